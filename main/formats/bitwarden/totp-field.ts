import type { InvalidEntry } from '../../../shared/enroll-api.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { parseOtpauthUri, type ParsedOtpauthUri } from '../../enroll/index.js';
import { buildAccount, type LooseEntry } from '../entry-builder.js';
import type { ImportedAccount } from '../types.js';

/** A vault item that has a TOTP field, from the JSON or the CSV export. */
export interface VaultItem {
  /** Its position among the export's items (JSON) or data rows (CSV). */
  readonly index: number;
  /** Where the user finds it: "item 3" or "line 7". */
  readonly where: string;
  readonly name: string;
  readonly username: string;
  readonly totp: string;
  readonly folder: string;
}

const STEAM = /^steam:\/\/([^/?#]*)/i;

/**
 * Bitwarden's `login.totp` / `login_totp` holds one of three things (shared/formats/bitwarden.md):
 * an otpauth:// URI, `steam://SECRET`, or a bare Base32 secret (TOTP, SHA1, 6 digits, 30 s). The
 * URI's own issuer and name win; where it has none, and for the other two shapes, the issuer is the
 * item's name and the account its username (Steam keys fall back to Aegis's "Steam" / "Steam account").
 */
export function itemToAccount(item: VaultItem, warnings: string[]): ImportedAccount | InvalidEntry {
  const totp = item.totp.trim();
  const tags = item.folder === '' ? [] : [item.folder];
  const built = (entry: LooseEntry): ImportedAccount | InvalidEntry => {
    const entryWarnings: string[] = [];
    const result = buildAccount(item.index, { ...entry, tags }, entryWarnings);
    warnings.push(...entryWarnings.map((warning) => `${item.where}: ${warning.replace(/^entry \d+: /, '')}`));
    return 'secret' in result ? result : { ...result, reason: `${item.where}: ${result.reason}` };
  };

  if (/^otpauth:\/\//i.test(totp)) {
    const parsed = readUri(totp, item);
    if ('field' in parsed) return parsed;
    const draft = parsed.draft;
    warnings.push(...parsed.warnings.map((warning) => `${item.where}: ${warning}`));
    return built({
      type: draft.type,
      secret: { bytes: draft.secret },
      issuer: draft.issuer === '' ? item.name : draft.issuer,
      label: draft.label === '' ? item.username : draft.label,
      algorithm: draft.algorithm,
      digits: draft.digits,
      ...(draft.type === 'hotp' ? { counter: draft.counter } : { period: draft.period }),
    });
  }
  const steam = STEAM.exec(totp);
  if (steam !== null) {
    return built({ type: 'steam', secret: { base32: steam[1] ?? '' }, issuer: item.name === '' ? 'Steam' : item.name, label: item.username === '' ? 'Steam account' : item.username });
  }
  if (totp.includes('://')) {
    return { index: item.index, field: 'totp', reason: `${item.where}: the TOTP field is neither an otpauth:// URI, a steam:// key nor a Base32 secret` };
  }
  return built({ type: 'totp', secret: { base32: totp }, issuer: item.name, label: item.username });
}

function readUri(totp: string, item: VaultItem): ParsedOtpauthUri | InvalidEntry {
  try {
    return parseOtpauthUri(totp);
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    return { index: item.index, field: error.code, reason: `${item.where}: ${error.message}` };
  }
}
