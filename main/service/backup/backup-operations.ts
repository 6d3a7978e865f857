import type { BackupVerification } from '../../../shared/backup-api.js';
import { createCodeGenerator } from '../../otp/index.js';
import { KDF_DEFAULT, passwordBytes, type NewAccount, type VaultRuntime, type VaultSession } from '../../vault/index.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { accountOfEntry, backupEntriesOf, type DamagedRowPolicy } from './backup-entries.js';
import { openBackupFile, readEntries, writeBackupFile, type BackupSteps } from './backup-file.js';

function backupCrypto(runtime: VaultRuntime) {
  return { sodium: runtime.sodium, deriveKey: runtime.deriveKey, kdf: runtime.kdf === 'calibrate' ? KDF_DEFAULT : runtime.kdf };
}

/**
 * Writes a new backup file (0600); one already at `path` is replaced only when `replace` says so.
 * Damaged accounts stop it before the file is in place, unless the policy says to leave them out.
 */
export async function createBackup(
  session: VaultSession,
  runtime: VaultRuntime,
  path: string,
  password: string,
  app: string,
  replace: boolean,
  damaged: DamagedRowPolicy = {},
  steps: BackupSteps = {},
) {
  // The entries are a generator: no seed is opened until the key is there and the file is being written.
  return writeBackupFile(path, backupEntriesOf(session, undefined, damaged), { ...backupCrypto(runtime), password: passwordBytes(password), app, replace }, steps);
}

/**
 * Decrypts a backup in isolation, checks every chunk and account, and compares it with the live vault:
 * for each account the code both make at the same moment, and the accounts only on one side. The
 * result is recorded (sealed) in the vault, so the app can show "last backup verified on …".
 */
export async function verifyBackup(session: VaultSession, runtime: VaultRuntime, path: string, password: string, nowMs: number, steps: BackupSteps = {}): Promise<BackupVerification> {
  const opened = await openBackupFile(path, passwordBytes(password), backupCrypto(runtime), steps);
  steps.stage?.('Checking the backup against the vault…');
  const name = (a: { issuer: string; label: string }) => (a.issuer === '' ? a.label : `${a.issuer} (${a.label})`);
  const vault = new Map<string, { name: string; code: string }>();
  for (const meta of session.list().accounts) {
    try {
      vault.set(session.withSecret(meta.id, (secret) => session.duplicateKey(meta.type, secret)), {
        name: name(meta),
        code: session.withSecret(meta.id, (secret) => createCodeGenerator(meta, secret).codeAt(nowMs).code),
      });
    } catch (error) {
      // A damaged account can be in no backup: `vault verify` names it, and the backup said it left it out.
      if (!(error instanceof LatchkeyError) || error.code !== 'VAULT_INTEGRITY') throw error;
    }
  }
  const seen = new Set<string>();
  const result = { backupAccounts: 0, matching: 0, onlyInBackup: [] as string[], differing: [] as string[] };
  const { sha256 } = readEntries(opened, (entry) => {
    result.backupAccounts++;
    const account = accountOfEntry(entry);
    const key = session.duplicateKey(account.type, account.secret);
    const twin = vault.get(key);
    if (twin === undefined) result.onlyInBackup.push(name(account));
    else if (createCodeGenerator(account, account.secret).codeAt(nowMs).code === twin.code) result.matching++;
    else result.differing.push(name(account));
    seen.add(key);
  });
  const verification: BackupVerification = {
    verifiedAt: Math.floor(nowMs / 1000),
    file: path,
    sha256,
    vaultAccounts: vault.size,
    onlyInVault: [...vault].filter(([key]) => !seen.has(key)).map(([, twin]) => twin.name),
    ...result,
  };
  session.transaction((tx) => {
    tx.records.put('backup-verification', verification);
  });
  return verification;
}

/**
 * Restores a backup in ONE transaction: 'replace' empties the vault first, 'merge' skips accounts
 * already present (same type and secret); a repeat within the backup is skipped either way. Any throw
 * (a damaged chunk, a full disk) rolls it all back.
 */
export async function restoreBackup(session: VaultSession, runtime: VaultRuntime, path: string, password: string, mode: 'merge' | 'replace', steps: BackupSteps = {}) {
  // A cancel is honoured up to the end of the key's derivation; the transaction after it runs whole or not at all.
  const opened = await openBackupFile(path, passwordBytes(password), backupCrypto(runtime), steps);
  steps.stage?.('Restoring the accounts…');
  return session.transaction((tx) => {
    const removed = mode === 'replace' ? tx.entries.removeAll() : 0;
    const accounts: NewAccount[] = [];
    readEntries(opened, (entry) => {
      accounts.push(accountOfEntry(entry));
    });
    const { added, skipped } = tx.entries.addNew(accounts, { includeDuplicates: false });
    return { added: added.length, skipped: skipped.length, removed };
  });
}
