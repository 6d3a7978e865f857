import { randomUUID } from 'node:crypto';
import { encodeBase32 } from '../../otp/index.js';
import type { ExportAccount, ExportResult } from './export-types.js';

/**
 * An Aegis plain vault (outer version 1, content version 3; shared/formats/aegis.md): readable by
 * Aegis's own "import from Aegis" and by our importer. Tags become Aegis groups.
 */
export function exportAegis(accounts: readonly ExportAccount[]): ExportResult {
  const groups = new Map<string, string>();
  for (const account of accounts) for (const tag of account.tags) if (!groups.has(tag)) groups.set(tag, randomUUID());
  const entries = accounts.map((account) => ({
    type: account.type,
    uuid: randomUUID(),
    name: account.label,
    issuer: account.issuer,
    note: account.note ?? '',
    favorite: false,
    icon: null,
    info: {
      secret: encodeBase32(account.secret),
      algo: account.algorithm,
      digits: account.digits,
      ...(account.type === 'hotp' ? { counter: Number(account.counter) } : { period: account.period }),
    },
    groups: account.tags.map((tag) => groups.get(tag) ?? ''),
  }));
  const vault = {
    version: 1,
    header: { slots: null, params: null },
    db: { version: 3, entries, groups: [...groups].map(([name, uuid]) => ({ uuid, name })) },
  };
  const warnings = accounts.some((account) => account.type === 'hotp' && account.counter > BigInt(Number.MAX_SAFE_INTEGER))
    ? ['a HOTP counter above 2^53 cannot be written exactly in Aegis JSON']
    : [];
  return { files: [{ suffix: '.json', mime: 'application/json', bytes: new TextEncoder().encode(`${JSON.stringify(vault, null, 2)}\n`) }], warnings, written: entries.length };
}
