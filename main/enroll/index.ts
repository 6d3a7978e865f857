export { BatchTracker } from './migration/batch-tracker.js';
export { ACCOUNTS_PER_QR, fitsGoogleAuthenticator, formatMigrationUris } from './migration/format-migration-uri.js';
export { parseMigrationUri } from './migration/parse-migration-uri.js';
export type { MigrationBatch, ParsedMigration } from './migration/parse-migration-uri.js';
export { decodeQrImage } from './qr/decode-qr-image.js';
export { checkImage, MAX_PIXELS } from './qr/image-check.js';
export { QrError } from './qr/qr-error.js';
export { readEnrollmentTexts } from './read-enrollment-text.js';
export type { FoundAccounts } from './read-enrollment-text.js';
export { formatOtpauthUri } from './uri/format-otpauth-uri.js';
export type { SteamStyle } from './uri/format-otpauth-uri.js';
export { parseOtpauthUri } from './uri/parse-otpauth-uri.js';
export type { ParsedOtpauthUri } from './uri/parse-otpauth-uri.js';
export { UriError } from './uri/uri-error.js';
export type { UriErrorCode } from './uri/uri-error.js';
// The one text-cleaning rule lives beside the account schema; enrollment's callers keep reaching it here.
export { cleanDisplayText } from '../../shared/account.js';
