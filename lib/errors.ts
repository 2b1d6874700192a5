/** An error meant for a person: says what input was wrong and how to fix it. */
export class UserError extends Error {
  constructor(message: string, readonly fix?: string) {
    super(fix ? `${message}\n  fix: ${fix}` : message);
    this.name = 'UserError';
  }
}

/**
 * A run that released what it could and held the rest back (a failing `error` contract test). The
 * CLI exits 3 for it, so a scheduler can tell it from a run that published nothing (exit 1).
 */
export class HeldBackError extends UserError {
  readonly exitCode = 3;
}
