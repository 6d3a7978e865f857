import { useState } from 'react';
import type { PlaintextExportFormat } from '../../../shared/export-api.js';
import { saveExport } from '../data/backup.js';
import { useMutation } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { OperationOutcome } from '../ui/OperationOutcome.js';

const FORMATS: Record<PlaintextExportFormat, string> = {
  'otpauth-list': 'otpauth:// links, one per line (text)',
  aegis: 'Aegis vault (plain JSON)',
  'google-qr': 'Google Authenticator QR codes (PNG)',
  html: 'Printable QR sheet (HTML)',
};
/** What the user types to show they read the warning: a word, not a reflex click. */
export const PLAINTEXT_CONFIRMATION = 'plaintext';

/** Exports for moving to another app. Every one of them holds the secrets in the clear. */
export function ExportSettings() {
  const [format, setFormat] = useState<keyof typeof FORMATS>('otpauth-list');
  const [typed, setTyped] = useState('');
  const [vaultPassword, setVaultPassword] = useState('');
  const [message, setMessage] = useState('');
  const mutations = useMutation();
  // The password is checked again first (a bar; a touch on a password+YubiKey vault), then main asks where to save.
  const operation = useLongOperation();

  async function exportNow() {
    const saving = operation.run('Checking the vault password…', (opId) => mutations.run(saveExport, { format, confirmPlaintext: true, vaultPassword, opId }));
    setVaultPassword('');
    const saved = await saving;
    if (saved.ok) {
      const { files, accounts, warnings } = saved.value;
      setMessage(`${String(accounts)} ${accounts === 1 ? 'account' : 'accounts'} saved as ${files.join(', ')}. It is not encrypted: delete it as soon as the other app has read it.${warnings.length > 0 ? ` ${warnings.join(' ')}` : ''}`);
      setTyped('');
    }
  }

  return (
    <section className="section" aria-label="Export">
      <h3>Export</h3>
      <label>
        Format
        <select value={format} onChange={(e) => { setFormat(e.target.value as keyof typeof FORMATS); }}>
          {Object.entries(FORMATS).map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <p className="warning">
        This file will hold every secret <strong>unencrypted</strong>: anyone who gets it can make your codes. For a copy to keep, use automatic backups instead.
      </p>
      <label>
        Type “{PLAINTEXT_CONFIRMATION}” to confirm
        <input type="text" value={typed} onChange={(e) => { setTyped(e.target.value); }} spellCheck={false} autoComplete="off" />
      </label>
      <label>
        Vault password
        <input type="password" autoComplete="current-password" value={vaultPassword} onChange={(e) => { setVaultPassword(e.target.value); }} />
      </label>
      <button
        type="button"
        className="danger-outline"
        disabled={mutations.busy || typed.trim().toLowerCase() !== PLAINTEXT_CONFIRMATION || vaultPassword === ''}
        onClick={() => void exportNow()}
      >
        Export unencrypted file…
      </button>
      <OperationOutcome operation={operation} message={message} error={mutations.error} />
    </section>
  );
}
