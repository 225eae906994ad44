// Errors a person caused (bad flags, a refused destroy, a failed endpoint) carry their exit code and a
// message meant to be read; anything else is a bug and says so.

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Exit codes a script can use, as Terraform's plan -detailed-exitcode does. */
export const EXIT = { ok: 0, error: 1, changesPending: 2 } as const;
