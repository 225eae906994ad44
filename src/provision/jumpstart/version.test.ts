import { describe, expect, it } from 'vitest';
import { compareVersions, isVersionSpecifier, parseVersion, selectVersion } from './version.js';

const listed = ['1.0.0', '1.1.0', '2.0.9', '2.0.10', '2.1.0', '10.0.0-beta', 'latest'];

describe('selectVersion', () => {
  it('"*" is the highest version, compared numerically (not as text)', () => {
    expect(selectVersion('*', ['2.0.9', '2.0.10', '1.9.99'])).toBe('2.0.10');
    expect(selectVersion('*', listed)).toBe('2.1.0');
  });

  it('a major wildcard picks the highest of that major', () => {
    expect(selectVersion('2.*', listed)).toBe('2.1.0');
    expect(selectVersion('1.*', listed)).toBe('1.1.0');
  });

  it('a minor wildcard picks the highest patch of that minor', () => {
    expect(selectVersion('2.0.*', listed)).toBe('2.0.10');
    expect(selectVersion('1.0.*', listed)).toBe('1.0.0');
  });

  it('an exact version matches only itself (with PEP 440 zero padding)', () => {
    expect(selectVersion('2.0.9', listed)).toBe('2.0.9');
    expect(selectVersion('2.1', listed)).toBe('2.1.0');
    expect(selectVersion('2', listed)).toBeUndefined();
  });

  it('returns undefined when nothing matches', () => {
    expect(selectVersion('3.*', listed)).toBeUndefined();
    expect(selectVersion('2.0.11', listed)).toBeUndefined();
    expect(selectVersion('*', [])).toBeUndefined();
  });

  it('ignores listed versions that are not plain release numbers', () => {
    expect(selectVersion('*', ['latest', '10.0.0-beta'])).toBeUndefined();
  });
});

describe('version helpers', () => {
  it('parses and compares release segments', () => {
    expect(parseVersion('2.0.10')).toEqual([2, 0, 10]);
    expect(parseVersion('v2')).toBeUndefined();
    expect(compareVersions([2, 0, 10], [2, 0, 9])).toBeGreaterThan(0);
    expect(compareVersions([2, 1], [2, 1, 0])).toBe(0);
  });

  it('recognises the specifier forms the config allows', () => {
    for (const ok of ['*', '2.*', '2.1.*', '2.1.0']) expect(isVersionSpecifier(ok)).toBe(true);
    for (const bad of ['', 'latest', '>=2', '2.x', '*.1']) expect(isVersionSpecifier(bad)).toBe(false);
  });
});
