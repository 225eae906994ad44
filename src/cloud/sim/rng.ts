// Seeded randomness for the simulator: the same seed gives the same run, bit for bit, on any machine.
// xoshiro128** is small, fast with Math.imul, and its whole state is four 32-bit words, so the CLI can
// persist it between runs.

export type RngState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) {
      [this.a, this.b, this.c, this.d] = seed.map((x) => x >>> 0) as RngState;
    } else {
      const sm = splitmix32(Math.floor(seed) ^ 0x5a17e5ed);
      this.a = sm();
      this.b = sm();
      this.c = sm();
      this.d = sm();
    }
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** An independent stream derived from this seed and a label, so adding draws in one place does not shift another. */
  static derive(seed: number, label: string): Rng {
    let h = 0x811c9dc5 ^ (seed >>> 0);
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng((h ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0);
  }

  state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  /** Next 32 random bits. */
  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in (0, 1]: safe under Math.log. */
  nextOpen(): number {
    return (this.nextUint32() + 1) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  exponential(mean: number): number {
    return -Math.log(this.nextOpen()) * mean;
  }

  normal(): number {
    // Box-Muller; one value per call keeps the state easy to reason about.
    const u = this.nextOpen();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Gamma(shape k, scale θ): Marsaglia-Tsang, with the k < 1 boost. */
  gamma(shape: number, scale: number): number {
    if (shape < 1) {
      const g = this.gamma(shape + 1, 1);
      return g * Math.pow(this.nextOpen(), 1 / shape) * scale;
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextOpen();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Weibull(shape k, scale λ) by inversion. */
  weibull(shape: number, scale: number): number {
    return scale * Math.pow(-Math.log(this.nextOpen()), 1 / shape);
  }

  /** A random RFC 4122 version-4 UUID string. */
  uuid(): string {
    const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
    const a = hex(this.nextUint32());
    const b = hex(this.nextUint32());
    const c = hex(this.nextUint32());
    const d = hex(this.nextUint32());
    const variant = ((parseInt(c[0] ?? '0', 16) & 0x3) | 0x8).toString(16);
    // join builds one flat string; a template literal would keep a tree of the pieces and the hex
    // strings they are sliced from alive (~400 bytes per id; the region keeps ids for a week).
    return [a, '-', b.slice(0, 4), '-4', b.slice(5, 8), '-', variant, c.slice(1, 4), '-', c.slice(4), d].join(
      '',
    );
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
