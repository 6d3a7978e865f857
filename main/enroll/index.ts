export { formatOtpauthUri } from './uri/format-otpauth-uri.js';
export type { SteamStyle } from './uri/format-otpauth-uri.js';
export { parseOtpauthUri } from './uri/parse-otpauth-uri.js';
export type { ParsedOtpauthUri } from './uri/parse-otpauth-uri.js';
export { UriError } from './uri/uri-error.js';
export type { UriErrorCode } from './uri/uri-error.js';
