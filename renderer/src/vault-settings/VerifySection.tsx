import { useState } from 'react';
import type { ReplyOf } from '../../../shared/api.js';
import { useMutation } from '../data/hooks.js';
import { verifyVault } from '../data/vault-settings.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';

type Report = ReplyOf<'vault.verify'>;

/** Opens every sealed field and checks the manifest: reports, never repairs (the CLI accepts rows). */
export function VerifySection() {
  const [report, setReport] = useState<Report | undefined>();
  const mutations = useMutation();

  async function verify() {
    setReport(undefined);
    const result = await mutations.run(verifyVault, undefined);
    if (result.ok) setReport(result.value);
  }

  return (
    <section className="section" aria-labelledby="verify-title">
      <h3 id="verify-title">Check the vault</h3>
      <p className="hint">Opens every account and checks the vault’s signed list of rows, which shows rows deleted, added, changed or rolled back outside Latchkey.</p>
      <div className="row">
        <button type="button" disabled={mutations.busy} onClick={() => void verify()}>
          {mutations.busy ? 'Checking…' : 'Check now'}
        </button>
      </div>
      {report !== undefined && (
        <div className="stack" role="status" data-testid="verify-report" data-manifest={report.manifest}>
          <p className={report.manifest === 'ok' && report.damaged.length === 0 ? 'hint' : 'error'}>
            {report.manifest === 'ok'
              ? `Manifest: OK. ${String(report.rows)} account${report.rows === 1 ? '' : 's'} checked.`
              : `Manifest: MISMATCH. Rows were deleted, added, changed or rolled back outside Latchkey since its last write. Restore from a backup you trust, or run \`latchkey vault verify --accept\` once you know why.`}
          </p>
          {report.damaged.length > 0 && (
            <p className="error">
              {String(report.damaged.length)} sealed field{report.damaged.length === 1 ? '' : 's'} would not open: {report.damaged.map((row) => `${row.id.slice(0, 8)} (${row.field})`).join(', ')}.
            </p>
          )}
        </div>
      )}
      <ErrorAlert error={mutations.error} />
    </section>
  );
}
