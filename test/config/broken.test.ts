// Every file in broken/ must be rejected with a ConfigError whose message points at the file, a line,
// the key and what is wrong. The first line of each file says what to expect:
//   # expect: <key path> | <fragment of the message>        (empty key path: a whole-file problem)
// and an optional second line marks a known loader bug the case is waiting for:
//   # known-bug: <what is wrong>
// Known-bug cases are run with it.fails, so fixing the bug turns them red until the marker goes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'broken');

interface BrokenCase {
  file: string;
  keyPath: string;
  fragment: string;
  knownBug?: string;
}

function readCase(name: string): BrokenCase {
  const file = path.join(DIR, name);
  const [first = '', second = ''] = readFileSync(file, 'utf8').split('\n');
  const m = /^# expect: (.*?) \| (.+)$/.exec(first);
  if (!m)
    throw new Error(
      `${name}: first line must be "# expect: <key path> | <fragment>", got ${JSON.stringify(first)}`,
    );
  const bug = /^# known-bug: (.+)$/.exec(second);
  return { file, keyPath: m[1]!.trim(), fragment: m[2]!.trim(), knownBug: bug?.[1] };
}

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map(readCase);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function check(c: BrokenCase): void {
  let thrown: unknown;
  try {
    loadConfig(c.file, {});
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'loadConfig must reject the file').toBeDefined();
  expect(thrown).toBeInstanceOf(ConfigError);
  const message = (thrown as ConfigError).message;
  const base = escapeRegExp(path.basename(c.file));
  // One formatted line must carry all of it: <file>:<line>[:<col>]: [<key path>: ]<message with fragment>.
  const keyPart = c.keyPath ? `${escapeRegExp(c.keyPath)}: ` : '';
  const pattern = new RegExp(`${base}:\\d+(:\\d+)?: ${keyPart}.*${escapeRegExp(c.fragment)}`);
  expect(message).toMatch(pattern);
}

describe('broken configs', () => {
  it('the corpus has at least 40 files', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of cases) {
    const title = `${path.basename(c.file)}: ${c.keyPath || '(file)'} | ${c.fragment}`;
    if (c.knownBug) it.fails(`${title} [known bug: ${c.knownBug}]`, () => check(c));
    else it(title, () => check(c));
  }
});
