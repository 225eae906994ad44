import { describe, expect, it } from 'vitest';
import { editDistance, suggestKey } from './suggest.js';

const TOP = ['$schema', 'version', 'project', 'region', 'cloud', 'store', 'sim', 'jumpstart', 'endpoints'];

describe('suggestKey', () => {
  it('suggests the key a typo was meant to be', () => {
    expect(suggestKey('regoin', TOP)).toBe('region');
    expect(suggestKey('endpoint', TOP)).toBe('endpoints');
    expect(suggestKey('jumpStart', TOP)).toBe('jumpstart');
    expect(suggestKey('maxCapcity', ['minCapacity', 'maxCapacity'])).toBe('maxCapacity');
  });

  it('ignores case when comparing', () => {
    expect(suggestKey('outputpath', ['outputPath', 'failurePath'])).toBe('outputPath');
  });

  it('says nothing when no key is close', () => {
    expect(suggestKey('timeout', TOP)).toBeUndefined();
    expect(suggestKey('colour', TOP)).toBe('cloud');
    expect(suggestKey('x', [])).toBeUndefined();
  });

  it('allows more edits for longer keys', () => {
    // 3 edits on a 12-letter key is still a typo; on a 4-letter key it is another word.
    expect(suggestKey('instanseTyp', ['instanceType'])).toBe('instanceType');
    expect(suggestKey('tgas', ['sim'])).toBeUndefined();
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
