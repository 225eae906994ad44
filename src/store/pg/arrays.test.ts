import { describe, expect, it } from 'vitest';
import { bigintArray, float8Array } from './arrays.js';

describe('array literals for number parameters', () => {
  it('spells bigint arrays as PostgreSQL reads them', () => {
    expect(bigintArray([])).toBe('{}');
    expect(bigintArray([0, -60000, 1780000000000])).toBe('{0,-60000,1780000000000}');
  });

  it('refuses a bigint element that is not a safe integer, naming it', () => {
    expect(() => bigintArray([1, 1.5])).toThrow('BIGINT array element 1.5 is not a safe integer');
    expect(() => bigintArray([2 ** 60])).toThrow(/not a safe integer/);
  });

  it('spells doubles with their shortest exact form and the infinities as PostgreSQL does', () => {
    expect(float8Array([0.1, -2.5e-7, 1e21, Infinity, -Infinity])).toBe(
      '{0.1,-2.5e-7,1e+21,Infinity,-Infinity}',
    );
    expect(() => float8Array([1, NaN])).toThrow('double precision array element is NaN');
  });
});
