/** An error meant for a person: says what input was wrong and how to fix it. */
export class UserError extends Error {
  constructor(message: string, readonly fix?: string) {
    super(fix ? `${message}\n  fix: ${fix}` : message);
    this.name = 'UserError';
  }
}
