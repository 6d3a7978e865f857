export { decodeBase32, describeBase32Problem, encodeBase32, normalizeBase32 } from './base32.js';
export type { Base32Problem, Base32Result } from './base32.js';
export { codeOnce, createCodeGenerator } from './code-generator.js';
export type { CodeGenerator, OtpCode } from './code-generator.js';
export { STEAM_ALPHABET } from './steam.js';
