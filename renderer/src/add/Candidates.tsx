import { useState } from 'react';
import type { EnrollResult } from '../../../shared/enroll-api.js';
import { commitCandidates } from '../data/enroll.js';
import { useMutation } from '../data/hooks.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { displayName } from '../ui/format.js';

/** What a scan or paste found, to confirm before anything is written. Duplicates start unticked. */
export function Candidates({ found, onAdded }: { found: EnrollResult; onAdded: (message: string) => void }) {
  const [chosen, setChosen] = useState(() => new Set(found.candidates.filter((c) => !c.duplicate).map((c) => c.id)));
  const { run, busy, error } = useMutation();

  async function commit() {
    const ids = found.candidates.filter((c) => chosen.has(c.id)).map((c) => c.id);
    const result = await run(commitCandidates, { ids, includeDuplicates: found.candidates.some((c) => c.duplicate && chosen.has(c.id)) });
    if (!result.ok) return;
    const { added, skipped } = result.value;
    const skippedText = skipped.length === 0 ? '' : ` ${String(skipped.length)} already in the vault ${skipped.length === 1 ? 'was' : 'were'} skipped.`;
    onAdded(`Added ${String(added.length)} ${added.length === 1 ? 'account' : 'accounts'}.${skippedText}`);
  }

  return (
    <section className="candidates" aria-label="Found accounts">
      {found.batches.map((batch) => (
        <p key={batch.batchId} className="hint">
          Google Authenticator export: {String(batch.received.length)} of {String(batch.size)} codes scanned
          {batch.missing.length > 0 && `; scan part${batch.missing.length === 1 ? '' : 's'} ${batch.missing.map((n) => String(n + 1)).join(', ')} too`}.
        </p>
      ))}
      {found.warnings.map((warning) => (
        <p key={warning} className="hint">
          {warning}
        </p>
      ))}
      {found.invalid.length > 0 && (
        <p className="error">
          {String(found.invalid.length)} {found.invalid.length === 1 ? 'entry' : 'entries'} could not be read: {found.invalid.map((i) => `${i.field}: ${i.reason}`).join('; ')}
        </p>
      )}
      <ul className="candidate-list">
        {found.candidates.map((candidate) => (
          <li key={candidate.id}>
            <label className="check">
              <input
                type="checkbox"
                checked={chosen.has(candidate.id)}
                onChange={(event) => {
                  const next = new Set(chosen);
                  if (event.target.checked) next.add(candidate.id);
                  else next.delete(candidate.id);
                  setChosen(next);
                }}
              />
              <span>
                <strong>{displayName(candidate)}</strong> {candidate.issuer !== '' && candidate.label}
                <span className="hint">
                  {' '}
                  · {candidate.type.toUpperCase()} {candidate.digits} digits{candidate.duplicate ? ' · already in the vault' : ''}
                </span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      <ErrorAlert error={error} />
      {found.candidates.length > 0 && (
        <button type="button" className="primary" disabled={busy || chosen.size === 0} onClick={() => void commit()}>
          Add {String(chosen.size)} {chosen.size === 1 ? 'account' : 'accounts'}
        </button>
      )}
    </section>
  );
}
