import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateSeries, ExpressionError } from './expr.js';

const series = (...v: number[]): Float64Array => Float64Array.from(v);
const run = (src: string, env: Record<string, Float64Array>, n = 3): number[] =>
  Array.from(
    evaluateSeries(compileExpression(src, new Set(Object.keys(env))), new Map(Object.entries(env)), n),
  );

describe('metric math', () => {
  it("evaluates sagezero's idle expression: idle only when nothing waits and nothing was processed", () => {
    const backlog = series(0, 1, 0, NaN);
    const processed = series(NaN, NaN, 2, NaN);
    expect(run('IF(FILL(backlog, 0) + FILL(processed, 0) == 0, 1, 0)', { backlog, processed }, 4)).toEqual([
      1, 0, 0, 1,
    ]);
  });

  it('propagates missing points through arithmetic and IF; FILL replaces them', () => {
    const m = series(1, NaN, 3);
    expect(run('m * 2 + 1', { m })).toEqual([3, NaN, 7]);
    expect(run('IF(m > 1, 10, 20)', { m })).toEqual([20, NaN, 10]);
    expect(run('IF(m > 1, 10)', { m })).toEqual([NaN, NaN, 10]);
    expect(run('FILL(m, REPEAT)', { m })).toEqual([1, 1, 3]);
    expect(run('FILL(m, 0) / 0', { m })).toEqual([NaN, NaN, NaN]);
  });

  it('follows operator precedence and supports comparisons and logic', () => {
    const a = series(1, 2, 3);
    expect(run('1 + 2 * 3 - a', { a })).toEqual([6, 5, 4]);
    expect(run('(1 + 2) * a', { a })).toEqual([3, 6, 9]);
    expect(run('a >= 2 AND a != 3', { a })).toEqual([0, 1, 0]);
    expect(run('a < 2 || a == 3', { a })).toEqual([1, 0, 1]);
    expect(run('NOT (a <= 1)', { a })).toEqual([0, 1, 1]);
    expect(run('ABS(-a)', { a })).toEqual([1, 2, 3]);
    expect(run('2.5e1', { a })).toEqual([25, 25, 25]);
  });

  it('rejects unknown ids, unsupported functions and syntax errors with the expression in the message', () => {
    expect(() => compileExpression('x + 1', new Set(['m']))).toThrow(/unknown id "x" in "x \+ 1"/);
    expect(() => compileExpression('RATE(m)', new Set(['m']))).toThrow(/RATE is not supported/);
    expect(() => compileExpression('m +', new Set(['m']))).toThrow(ExpressionError);
    expect(() => compileExpression('m $ 1', new Set(['m']))).toThrow(/unexpected character "\$"/);
  });
});
