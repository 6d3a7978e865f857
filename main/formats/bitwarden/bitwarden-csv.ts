import { malformed } from '../import-error.js';
import { readCsv } from './csv-reader.js';
import type { VaultItem } from './totp-field.js';

/** The columns of Bitwarden's CSV export (personal: `folder,favorite,type,name,…`; org: `collections,…`). */
export const CSV_COLUMNS = ['name', 'login_username', 'login_totp'] as const;

/**
 * The rows of a CSV export with a non-empty `login_totp`. Columns are found by their header name,
 * so personal and organisation exports (and newer extra columns) read alike. A row whose field count
 * differs from the header's means broken quoting: the whole file is refused.
 */
export function csvItems(text: string): VaultItem[] {
  const [header, ...rows] = readCsv(text);
  if (header === undefined) throw malformed('line 1', 'the CSV file has no header row');
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const column = (name: string): number => names.indexOf(name);
  const totpColumn = column('login_totp');
  if (totpColumn === -1) throw malformed('line 1', 'the CSV header has no login_totp column: not a Bitwarden export');
  const [nameColumn, usernameColumn, folderColumn] = [column('name'), column('login_username'), column('folder')];

  const items: VaultItem[] = [];
  rows.forEach((row, index) => {
    const where = `line ${String(row.line)}`;
    if (row.fields.length !== names.length) {
      throw malformed(where, `the row has ${String(row.fields.length)} fields where the header has ${String(names.length)} (broken quoting?)`);
    }
    const field = (at: number): string => (at === -1 ? '' : (row.fields[at] ?? ''));
    const totp = field(totpColumn);
    if (totp.trim() === '') return;
    items.push({ index, where, name: field(nameColumn), username: field(usernameColumn), totp, folder: field(folderColumn) });
  });
  return items;
}
