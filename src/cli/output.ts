// Where the CLI writes: stdout for results (plans, reports, JSON), stderr for progress and errors,
// so `sagezero plan --json | jq` always gets clean JSON.

export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** True when a person is at the terminal (prompts and progress lines make sense). */
  readonly interactive: boolean;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
};
