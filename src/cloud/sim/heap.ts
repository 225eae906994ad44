// The simulator's event queue: a binary min-heap over parallel typed arrays, ordered by (time, insertion
// order). No object per event, so replaying millions of requests does not churn the garbage collector.

export class EventHeap {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Uint8Array;
  private payloads: Int32Array;
  private n = 0;
  private seq = 0;

  /** Fields of the event most recently returned by pop(). */
  popTime = 0;
  popKind = 0;
  popPayload = 0;

  constructor(capacity = 1024) {
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.kinds = new Uint8Array(capacity);
    this.payloads = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, or +Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? (this.times[0] as number) : Infinity;
  }

  push(time: number, kind: number, payload: number): void {
    if (this.n === this.times.length) this.grow();
    let i = this.n++;
    const seq = this.seq++;
    const times = this.times;
    const seqs = this.seqs;
    const kinds = this.kinds;
    const payloads = this.payloads;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p] as number;
      if (pt < time || (pt === time && (seqs[p] as number) < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p] as number;
      kinds[i] = kinds[p] as number;
      payloads[i] = payloads[p] as number;
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    kinds[i] = kind;
    payloads[i] = payload;
  }

  /** Removes the earliest event into popTime/popKind/popPayload; false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    const kinds = this.kinds;
    const payloads = this.payloads;
    this.popTime = times[0] as number;
    this.popKind = kinds[0] as number;
    this.popPayload = payloads[0] as number;
    const last = --this.n;
    if (last === 0) return true;
    const t = times[last] as number;
    const s = seqs[last] as number;
    const k = kinds[last] as number;
    const pl = payloads[last] as number;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last) {
        const ct = times[c] as number;
        const rt = times[r] as number;
        if (rt < ct || (rt === ct && (seqs[r] as number) < (seqs[c] as number))) c = r;
      }
      const ct = times[c] as number;
      if (t < ct || (t === ct && s < (seqs[c] as number))) break;
      times[i] = ct;
      seqs[i] = seqs[c] as number;
      kinds[i] = kinds[c] as number;
      payloads[i] = payloads[c] as number;
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    kinds[i] = k;
    payloads[i] = pl;
    return true;
  }

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    const s = new Float64Array(cap);
    s.set(this.seqs);
    const k = new Uint8Array(cap);
    k.set(this.kinds);
    const p = new Int32Array(cap);
    p.set(this.payloads);
    this.times = t;
    this.seqs = s;
    this.kinds = k;
    this.payloads = p;
  }
}
