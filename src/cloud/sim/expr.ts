// CloudWatch metric math, the part sagezero's alarms use: numbers, query ids, + - * /, comparisons
// (== != < <= > >=, giving 1 or 0), AND/OR/NOT (also && || !), IF(cond, a[, b]), FILL(x, value|REPEAT)
// and ABS. A series is a vector over the alarm's evaluation periods with NaN for "no datapoint";
// arithmetic on a missing point is missing, as in CloudWatch, which is why FILL exists.

export type Series = Float64Array;
export type Value = Series | number;
export type Env = ReadonlyMap<string, Series>;
export type Compiled = (env: Env, length: number) => Value;

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Token =
  | { t: 'num'; v: number; at: number }
  | { t: 'id'; v: string; at: number }
  | { t: 'op'; v: string; at: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: Number(num[1]), at: i });
      i += (num[1] as string).length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      out.push({ t: 'op', v: two, at: i });
      i += 2;
      continue;
    }
    if ('+-*/<>(),!'.includes(ch)) {
      out.push({ t: 'op', v: ch, at: i });
      i++;
      continue;
    }
    throw new ExpressionError(`metric math: unexpected character "${ch}" at position ${i} in "${src}"`);
  }
  return out;
}

/** Parses an expression; `ids` are the query ids it may refer to. */
export function compileExpression(src: string, ids: ReadonlySet<string>): Compiled {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (msg: string): never => {
    const tok = peek();
    const where = tok ? `at position ${tok.at}` : 'at the end';
    throw new ExpressionError(`metric math: ${msg} ${where} in "${src}"`);
  };
  const isOp = (v: string): boolean => {
    const tok = peek();
    return tok !== undefined && tok.t === 'op' && tok.v === v;
  };
  const isWord = (v: string): boolean => {
    const tok = peek();
    return tok !== undefined && tok.t === 'id' && tok.v.toUpperCase() === v;
  };
  const expect = (v: string): void => {
    if (!isOp(v)) fail(`expected "${v}"`);
    pos++;
  };

  const parseOr = (): Compiled => {
    let left = parseAnd();
    while (isOp('||') || isWord('OR')) {
      pos++;
      const l = left;
      const r = parseAnd();
      left = binary(l, r, (a, b) => (a !== 0 || b !== 0 ? 1 : 0));
    }
    return left;
  };
  const parseAnd = (): Compiled => {
    let left = parseCmp();
    while (isOp('&&') || isWord('AND')) {
      pos++;
      const l = left;
      const r = parseCmp();
      left = binary(l, r, (a, b) => (a !== 0 && b !== 0 ? 1 : 0));
    }
    return left;
  };
  const CMP: Record<string, (a: number, b: number) => number> = {
    '==': (a, b) => (a === b ? 1 : 0),
    '!=': (a, b) => (a !== b ? 1 : 0),
    '<': (a, b) => (a < b ? 1 : 0),
    '<=': (a, b) => (a <= b ? 1 : 0),
    '>': (a, b) => (a > b ? 1 : 0),
    '>=': (a, b) => (a >= b ? 1 : 0),
  };
  const parseCmp = (): Compiled => {
    let left = parseAdd();
    for (;;) {
      const tok = peek();
      if (!tok || tok.t !== 'op' || !(tok.v in CMP)) return left;
      pos++;
      const l = left;
      const r = parseAdd();
      left = binary(l, r, CMP[tok.v] as (a: number, b: number) => number);
    }
  };
  const parseAdd = (): Compiled => {
    let left = parseMul();
    for (;;) {
      if (isOp('+')) {
        pos++;
        const l = left;
        const r = parseMul();
        left = binary(l, r, (a, b) => a + b);
      } else if (isOp('-')) {
        pos++;
        const l = left;
        const r = parseMul();
        left = binary(l, r, (a, b) => a - b);
      } else return left;
    }
  };
  const parseMul = (): Compiled => {
    let left = parseUnary();
    for (;;) {
      if (isOp('*')) {
        pos++;
        const l = left;
        const r = parseUnary();
        left = binary(l, r, (a, b) => a * b);
      } else if (isOp('/')) {
        pos++;
        const l = left;
        const r = parseUnary();
        left = binary(l, r, (a, b) => (b === 0 ? NaN : a / b));
      } else return left;
    }
  };
  const parseUnary = (): Compiled => {
    if (isOp('-')) {
      pos++;
      const inner = parseUnary();
      return unary(inner, (a) => -a);
    }
    if (isOp('!') || isWord('NOT')) {
      pos++;
      const inner = parseUnary();
      return unary(inner, (a) => (a === 0 ? 1 : 0));
    }
    return parsePrimary();
  };
  const parseArgs = (): Compiled[] => {
    expect('(');
    const args: Compiled[] = [];
    if (!isOp(')')) {
      for (;;) {
        args.push(parseOr());
        if (isOp(',')) {
          pos++;
          continue;
        }
        break;
      }
    }
    expect(')');
    return args;
  };
  const parsePrimary = (): Compiled => {
    const tok = peek();
    if (!tok) return fail('expected a value');
    if (tok.t === 'num') {
      pos++;
      const v = tok.v;
      return () => v;
    }
    if (tok.t === 'op' && tok.v === '(') {
      pos++;
      const inner = parseOr();
      expect(')');
      return inner;
    }
    if (tok.t === 'id') {
      pos++;
      const name = tok.v;
      const upper = name.toUpperCase();
      const next = peek();
      if (next && next.t === 'op' && next.v === '(') {
        if (upper === 'FILL') return parseFill();
        const args = parseArgs();
        if (upper === 'IF') {
          if (args.length !== 2 && args.length !== 3) fail('IF takes 2 or 3 arguments');
          return ifFn(args[0] as Compiled, args[1] as Compiled, args[2]);
        }
        if (upper === 'ABS') {
          if (args.length !== 1) fail('ABS takes 1 argument');
          return unary(args[0] as Compiled, Math.abs);
        }
        throw new ExpressionError(
          `metric math: function ${name} is not supported by the simulated cloud in "${src}"`,
        );
      }
      if (!ids.has(name)) {
        throw new ExpressionError(
          `metric math: unknown id "${name}" in "${src}" (known: ${[...ids].join(', ') || 'none'})`,
        );
      }
      return (env) => {
        const s = env.get(name);
        if (!s) throw new ExpressionError(`metric math: no data bound for "${name}"`);
        return s;
      };
    }
    return fail(`unexpected "${tok.v}"`);
  };
  const parseFill = (): Compiled => {
    expect('(');
    const series = parseOr();
    expect(',');
    if (isWord('REPEAT')) {
      pos++;
      expect(')');
      return (env, n) => {
        const s = toSeries(series(env, n), n);
        const out = new Float64Array(n);
        let last = NaN;
        for (let i = 0; i < n; i++) {
          const v = s[i] as number;
          if (!Number.isNaN(v)) last = v;
          out[i] = Number.isNaN(v) ? last : v;
        }
        return out;
      };
    }
    const fillWith = parseOr();
    expect(')');
    return (env, n) => {
      const s = toSeries(series(env, n), n);
      const f = fillWith(env, n);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = s[i] as number;
        out[i] = Number.isNaN(v) ? (typeof f === 'number' ? f : (f[i] as number)) : v;
      }
      return out;
    };
  };

  const result = parseOr();
  if (pos < tokens.length) fail('unexpected input');
  return result;
}

function toSeries(v: Value, n: number): Series {
  if (typeof v !== 'number') return v;
  return new Float64Array(n).fill(v);
}

function binary(l: Compiled, r: Compiled, f: (a: number, b: number) => number): Compiled {
  return (env, n) => {
    const a = l(env, n);
    const b = r(env, n);
    if (typeof a === 'number' && typeof b === 'number') {
      return Number.isNaN(a) || Number.isNaN(b) ? NaN : f(a, b);
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = typeof a === 'number' ? a : (a[i] as number);
      const y = typeof b === 'number' ? b : (b[i] as number);
      out[i] = Number.isNaN(x) || Number.isNaN(y) ? NaN : f(x, y);
    }
    return out;
  };
}

function unary(inner: Compiled, f: (a: number) => number): Compiled {
  return (env, n) => {
    const a = inner(env, n);
    if (typeof a === 'number') return Number.isNaN(a) ? NaN : f(a);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = a[i] as number;
      out[i] = Number.isNaN(x) ? NaN : f(x);
    }
    return out;
  };
}

function ifFn(cond: Compiled, then: Compiled, otherwise: Compiled | undefined): Compiled {
  return (env, n) => {
    const c = toSeries(cond(env, n), n);
    const a = then(env, n);
    const b = otherwise ? otherwise(env, n) : NaN;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = c[i] as number;
      if (Number.isNaN(x)) out[i] = NaN;
      else if (x !== 0) out[i] = typeof a === 'number' ? a : (a[i] as number);
      else out[i] = typeof b === 'number' ? b : (b[i] as number);
    }
    return out;
  };
}

/** Evaluates a compiled expression into a series of `length` points. */
export function evaluateSeries(expr: Compiled, env: Env, length: number): Series {
  return toSeries(expr(env, length), length);
}
