// Streams a text file line by line (1-based line numbers), so large traces never sit in memory as one
// string and every parse error can name its line.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { TraceError } from './types.js';

export async function forEachLine(
  file: string,
  onLine: (line: string, lineNo: number) => void,
): Promise<void> {
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw new TraceError(file, undefined, 'is a directory, expected a file');
  } catch (e) {
    if (e instanceof TraceError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new TraceError(
      file,
      undefined,
      code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}`,
    );
  }
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    onLine(line, n);
  }
}

/** Parses a finite number or throws a TraceError naming the column. */
export function num(file: string, line: number, column: string, raw: string | undefined): number {
  const v = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(v))
    throw new TraceError(file, line, `${column} must be a number, got ${JSON.stringify(raw ?? '')}`);
  return v;
}
