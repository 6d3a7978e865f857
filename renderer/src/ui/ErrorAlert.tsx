import type { DataError } from '../data/hooks.js';

/** A query's or a mutation's error, said the one way every screen says it (nothing when there is nothing to say). */
export function ErrorAlert({ error }: { error: DataError | undefined }) {
  if (error === undefined || error.text === '') return null;
  return (
    <p role="alert" className="error">
      {error.text}
    </p>
  );
}
