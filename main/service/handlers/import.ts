import { randomUUID } from 'node:crypto';
import { LatchkeyError } from '../../../shared/errors.js';
import type { ImportPreview } from '../../../shared/import-api.js';
import { FORMAT_IDS, FORMATS, ImportError, readImport, type Argon2id, type ImportedAccount } from '../../formats/index.js';
import { argon2idInWorker } from '../../vault/index.js';
import { accountDraftView } from '../account-input.js';
import type { HandlersFor } from '../handler-types.js';
import type { VaultHost } from '../vault-host.js';

type ImportChannel = 'import.formats' | 'import.preview' | 'import.commit';

const MAX_PENDING_PREVIEWS = 16;

/** Argon2id for other apps' exports, in a worker ended after each use (the format checked its box). */
const workerArgon2id: Argon2id = async (password, salt, ops, memBytes) => (await argon2idInWorker(password, salt, { ops, mem: memBytes })).key;

/**
 * Import is two steps: preview (parse, check, mark duplicates; nothing written) and commit (the
 * valid, non-duplicate accounts in one transaction). The parsed accounts wait here between them.
 */
export function importHandlers(host: VaultHost): HandlersFor<ImportChannel> {
  const previews = new Map<string, readonly ImportedAccount[]>();
  // Parsed secrets do not outlive the unlock: a commit made after a lock and a new unlock finds no preview.
  host.onLock(() => {
    for (const accounts of previews.values()) for (const account of accounts) account.secret.fill(0);
    previews.clear();
  });

  return {
    'import.formats': () => ({ formats: FORMAT_IDS.map((id) => ({ id, name: FORMATS[id].name, mayBeEncrypted: FORMATS[id].mayBeEncrypted })) }),
    'import.preview': async ({ fileBase64, fileName, format, password, showSecrets }, operation): Promise<ImportPreview> => {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(fileBase64)) throw new ImportError('IMPORT_UNREADABLE', 'the file did not arrive as Base64');
      const bytes = new Uint8Array(Buffer.from(fileBase64, 'base64'));
      // A cancel answers at once; a derivation already running finishes in its worker, unheard. Nothing
      // is written either way: a preview only parses.
      const result = await operation.race(
        readImport(bytes, {
          ...(format === undefined ? {} : { format }),
          ...(password === undefined ? {} : { password }),
          argon2id: workerArgon2id,
          onProgress: (message) => {
            operation.progress(message);
          },
        }),
      );
      const previewId = randomUUID();
      previews.set(previewId, result.accounts);
      while (previews.size > MAX_PENDING_PREVIEWS) previews.delete(previews.keys().next().value ?? '');
      const known = host.duplicateKeysIfUnlocked();
      const accounts = result.accounts.map((account, index) => ({
        ...accountDraftView(account, showSecrets),
        id: `${previewId}:${String(index)}`,
        source: fileName,
        duplicate: known?.has(host.session().duplicateKey(account.type, account.secret)) === true,
      }));
      return { previewId, format: result.format, formatName: FORMATS[result.format].name, accounts, invalid: [...result.invalid], warnings: [...result.warnings] };
    },
    'import.commit': ({ previewId, includeDuplicates }) => {
      const accounts = previews.get(previewId);
      if (accounts === undefined) throw new LatchkeyError('NOT_FOUND', 'that import preview is gone; preview the file again');
      const { added, skipped } = host.session().addNew(accounts, { includeDuplicates });
      previews.delete(previewId);
      return { added: added.map((account) => account.id), skipped: skipped.length };
    },
  };
}

