// SageMaker models and endpoint configs are immutable, so sagezero names them after their content:
// a changed spec gets a new name, an unchanged one the same name, and a re-run after a crash finds
// what the interrupted run already created instead of making a duplicate.
import { createHash } from 'node:crypto';
import { canonical } from './diff.js';

const HASH_LENGTH = 10;
const MAX_NAME = 63;

export function contentName(base: string, content: unknown): string {
  const hash = createHash('sha256').update(canonical(content)).digest('hex').slice(0, HASH_LENGTH);
  const room = MAX_NAME - HASH_LENGTH - 1;
  const head = base.slice(0, room).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** The name prefix under which this endpoint's models and configs are listed. */
export function contentPrefix(base: string): string {
  return `${base.slice(0, MAX_NAME - HASH_LENGTH - 1).replace(/-+$/, '')}-`;
}
