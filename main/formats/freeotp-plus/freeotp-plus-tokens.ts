import type { InvalidEntry } from '../../../shared/enroll-api.js';
import { buildAccount, partition, type LooseEntry } from '../entry-builder.js';
import type { ImportedAccount, ImportResult } from '../types.js';
import { invalidFromZod, tokenSchema, type FreeOtpPlusToken } from './freeotp-plus-schema.js';

/**
 * FreeOTP+ tokens → accounts, in the order of `tokenOrder` when it names them (the order the user
 * saw), else in file order. Invalid entries keep their index in `tokens`.
 */
export function convertTokens(tokens: readonly unknown[], tokenOrder: readonly unknown[], warnings: string[]): ImportResult {
  const ranks = rankTable(tokenOrder);
  const built: { result: ImportedAccount | InvalidEntry; rank: number }[] = tokens.map((raw, index) => {
    const token = tokenSchema.safeParse(raw);
    if (!token.success) return { result: invalidFromZod(index, token.error), rank: index };
    const result = buildAccount(index, toLooseEntry(index, token.data, warnings), warnings);
    return { result, rank: rankOf(token.data, ranks) ?? Number.MAX_SAFE_INTEGER };
  });
  // Array.prototype.sort is stable: tokens tokenOrder does not name keep their file order, last.
  const sorted = [...built].sort((a, b) => a.rank - b.rank).map(({ result }) => result);
  const { accounts, invalid } = partition(sorted);
  if (accounts.some((account) => account.type === 'hotp')) {
    warnings.push('FreeOTP+ stores HOTP counters as last used: if a first code is refused, generate the next one');
  }
  return { accounts, invalid: [...invalid].sort((a, b) => a.index - b.index), warnings };
}

function toLooseEntry(index: number, token: FreeOtpPlusToken, warnings: string[]): LooseEntry {
  const issuer = token.issuerExt ?? token.issuerInt ?? '';
  let type = token.type ?? 'TOTP';
  // FreeOTP has no Steam type; as Aegis does, a TOTP token issued by exactly "Steam" is a Steam Guard one.
  if (type.toUpperCase() === 'TOTP' && issuer === 'Steam') {
    type = 'steam';
    warnings.push(`entry ${String(index)}: a TOTP token from "Steam" was read as a Steam Guard account`);
  }
  return {
    type,
    // Java bytes are signed: -1 is 0xff.
    secret: { bytes: Uint8Array.from(token.secret, (byte) => byte & 0xff) },
    issuer,
    label: token.label ?? '',
    algorithm: token.algo ?? undefined,
    digits: token.digits ?? undefined,
    // HOTP tokens carry a period too; buildAccount ignores it for them.
    period: token.period ?? undefined,
    // Stored as-is ("last used"), as Aegis and shared/formats/freeotp-plus.md do.
    counter: token.counter ?? undefined,
  };
}

/** `tokenOrder` keys are "issuer:label" or a bare label. A Map: the keys come from the file. */
function rankTable(tokenOrder: readonly unknown[]): Map<string, number> {
  const ranks = new Map<string, number>();
  tokenOrder.forEach((key, rank) => {
    if (typeof key === 'string' && !ranks.has(key)) ranks.set(key, rank);
  });
  return ranks;
}

function rankOf(token: FreeOtpPlusToken, ranks: ReadonlyMap<string, number>): number | undefined {
  const label = token.label ?? '';
  const keys = [token.issuerInt, token.issuerExt].filter((issuer): issuer is string => issuer != null && issuer !== '').map((issuer) => `${issuer}:${label}`);
  for (const key of [...keys, label]) {
    const rank = ranks.get(key);
    if (rank !== undefined) return rank;
  }
  return undefined;
}
