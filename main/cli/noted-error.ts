import { LatchkeyError } from '../../shared/errors.js';

/**
 * An error and the lines the CLI prints after its one line, for the person at the terminal (text
 * output only): facts the error itself must not carry, such as which account a damaged row is
 * (SECURITY-NOTES §8: an error names no label).
 */
export class NotedError extends LatchkeyError {
  readonly notes: readonly string[];

  constructor(error: LatchkeyError, notes: readonly string[]) {
    super(error.code, error.message, error.details);
    this.name = 'NotedError';
    this.notes = notes;
  }
}
