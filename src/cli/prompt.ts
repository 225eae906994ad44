// apply/destroy ask before changing anything when a person is at the terminal; scripts pass --yes.
import { createInterface } from 'node:readline/promises';
import { UserError } from './errors.js';
import type { Output } from './output.js';

export async function confirm(out: Output, question: string, yes: boolean, verb: string): Promise<boolean> {
  if (yes) return true;
  if (!out.interactive) {
    throw new UserError(`${verb} changes things and there is no terminal to ask: run it again with --yes`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} Only "yes" is accepted: `);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}
