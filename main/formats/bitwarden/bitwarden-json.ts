import { z } from 'zod';
import type { InvalidEntry } from '../../../shared/enroll-api.js';
import { ImportError, malformed } from '../import-error.js';
import type { VaultItem } from './totp-field.js';

const text = z.string().nullish();

const exportSchema = z.object({
  encrypted: z.boolean().nullish(),
  passwordProtected: z.boolean().nullish(),
  folders: z.array(z.unknown()).nullish(),
  items: z.array(z.unknown()),
});

const folderSchema = z.object({ id: z.string(), name: z.string() });

/** Only what a TOTP needs; notes, passwords, URIs and custom fields are never read. */
const itemSchema = z.object({
  name: text,
  folderId: text,
  login: z.object({ username: text, totp: text }).nullish(),
});

/**
 * The items of an unencrypted JSON export that carry a TOTP field; items of the wrong shape are
 * collected. Encrypted exports are refused with what to do instead (they are not supported in v1).
 */
export function jsonItems(json: unknown): (VaultItem | InvalidEntry)[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed('$', 'a Bitwarden JSON export is an object with "items"');
  const root = exportSchema.safeParse(json);
  if ('encrypted' in json && json.encrypted === true) throw refuseEncrypted('passwordProtected' in json && json.passwordProtected === true);
  if (!root.success) throw malformed(`$.${root.error.issues[0]?.path.join('.') ?? ''}`, 'this is not a Bitwarden JSON export (no "items" list)');

  const folders = new Map<string, string>();
  for (const folder of root.data.folders ?? []) {
    const parsed = folderSchema.safeParse(folder);
    if (parsed.success) folders.set(parsed.data.id, parsed.data.name);
  }
  const found: (VaultItem | InvalidEntry)[] = [];
  root.data.items.forEach((raw, index) => {
    const where = `item ${String(index + 1)}`;
    const item = itemSchema.safeParse(raw);
    if (!item.success) {
      const path = item.error.issues[0]?.path.join('.') ?? '';
      found.push({ index, field: path === '' ? 'item' : path, reason: `${where}: the item is not shaped like a Bitwarden item` });
      return;
    }
    const { name, folderId, login } = item.data;
    const totp = login?.totp ?? '';
    if (totp.trim() === '') return;
    found.push({ index, where, name: name ?? '', username: login?.username ?? '', totp, folder: folders.get(folderId ?? '') ?? '' });
  });
  return found;
}

function refuseEncrypted(passwordProtected: boolean): ImportError {
  return new ImportError(
    'IMPORT_UNSUPPORTED_VERSION',
    passwordProtected
      ? 'this is a password-protected Bitwarden export, which Latchkey cannot read yet: export again from Bitwarden choosing the "JSON" format (not "JSON (Encrypted)"), then delete that file after importing'
      : 'this Bitwarden export is encrypted with your Bitwarden account key, which only Bitwarden can open: export again choosing the "JSON" format (not "JSON (Encrypted)"), then delete that file after importing',
  );
}
