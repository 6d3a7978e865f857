import { aegisFormat } from './aegis/index.js';
import { andOtpFormat } from './andotp/index.js';
import { bitwardenFormat } from './bitwarden/index.js';
import { enteFormat } from './ente/index.js';
import { freeOtpPlusFormat } from './freeotp-plus/index.js';
import { googleMigrationFormat } from './google-migration/index.js';
import { latchkeyTransferFormat } from './latchkey-transfer/index.js';
import { otpauthListFormat } from './otpauth-list/index.js';
import { twoFasFormat } from './two-fas/index.js';
import type { ImportFormat } from './types.js';

/** Every format we read, keyed by id; `FormatId` comes from here, so a format without an entry can't be named. */
export const FORMATS = {
  aegis: aegisFormat,
  'two-fas': twoFasFormat,
  andotp: andOtpFormat,
  bitwarden: bitwardenFormat,
  'freeotp-plus': freeOtpPlusFormat,
  ente: enteFormat,
  'google-migration': googleMigrationFormat,
  'otpauth-list': otpauthListFormat,
  'latchkey-transfer': latchkeyTransferFormat,
} as const satisfies Record<string, ImportFormat>;

export type FormatId = keyof typeof FORMATS;
export const FORMAT_IDS = Object.keys(FORMATS) as FormatId[];

export function isFormatId(value: string): value is FormatId {
  return Object.hasOwn(FORMATS, value);
}
