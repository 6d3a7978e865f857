import type { BackupVerification } from '../../../shared/backup-api.js';
import { backupVerificationSchema } from '../../../shared/backup-api.js';
import { createCodeGenerator } from '../../otp/index.js';
import { KDF_DEFAULT } from '../../vault/index.js';
import { accountOfEntry, backupEntriesOf } from '../backup/backup-entries.js';
import { openBackupFile, readEntries, writeBackupFile } from '../backup/backup-file.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import type { VaultHost } from '../vault-host.js';

type BackupChannel = 'backup.create' | 'backup.verify' | 'backup.restore' | 'backup.lastVerification';

const VERIFICATION_RECORD = 'backup-verification';
const encoder = new TextEncoder();

export function backupHandlers(host: VaultHost, clock: Clock, app: string): HandlersFor<BackupChannel> {
  async function crypto() {
    const runtime = await host.runtime();
    return { sodium: runtime.sodium, deriveKey: runtime.deriveKey, kdf: runtime.kdf === 'calibrate' ? KDF_DEFAULT : runtime.kdf };
  }

  return {
    'backup.create': ({ path, password }) =>
      host.serialized(async () => {
        const session = host.session();
        const written = await writeBackupFile(path, backupEntriesOf(session), { ...(await crypto()), password: encoder.encode(password), app });
        return { path, ...written };
      }),

    'backup.verify': ({ path, password }) =>
      host.serialized(async () => {
        const session = host.session();
        const opened = await openBackupFile(path, encoder.encode(password), await crypto());
        const now = clock.now();
        const name = (a: { issuer: string; label: string }) => (a.issuer === '' ? a.label : `${a.issuer} (${a.label})`);
        const vault = new Map(
          session.list().accounts.map((meta) => [
            session.withSecret(meta.id, (secret) => session.duplicateKey(meta.type, secret)),
            { name: name(meta), code: session.withSecret(meta.id, (secret) => createCodeGenerator(meta, secret).codeAt(now).code) },
          ]),
        );
        const seen = new Set<string>();
        const result = { backupAccounts: 0, matching: 0, onlyInBackup: [] as string[], differing: [] as string[] };
        const { sha256 } = readEntries(opened, (entry) => {
          result.backupAccounts++;
          const account = accountOfEntry(entry);
          const key = session.duplicateKey(account.type, account.secret);
          const twin = vault.get(key);
          if (twin === undefined) result.onlyInBackup.push(name(account));
          else if (createCodeGenerator(account, account.secret).codeAt(now).code === twin.code) result.matching++;
          else result.differing.push(name(account));
          seen.add(key);
        });
        const verification: BackupVerification = {
          verifiedAt: Math.floor(now / 1000),
          file: path,
          sha256,
          vaultAccounts: vault.size,
          onlyInVault: [...vault].filter(([key]) => !seen.has(key)).map(([, twin]) => twin.name),
          ...result,
        };
        session.putRecord(VERIFICATION_RECORD, verification);
        return verification;
      }),

    'backup.restore': ({ path, password, mode }) =>
      host.serialized(async () => {
        const session = host.session();
        const opened = await openBackupFile(path, encoder.encode(password), await crypto());
        return session.restore(mode, (add) => {
          readEntries(opened, (entry) => {
            add(accountOfEntry(entry));
          });
        });
      }),

    'backup.lastVerification': () => {
      const record = backupVerificationSchema.safeParse(host.session().getRecord(VERIFICATION_RECORD));
      return { verification: record.success ? record.data : null };
    },
  };
}
