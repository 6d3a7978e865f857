export { ImportError } from './import-error.js';
export { detectFormat, MAX_IMPORT_BYTES, readImport } from './read-import.js';
export type { ReadImport } from './read-import.js';
export { FORMAT_IDS, FORMATS, isFormatId } from './registry.js';
export type { FormatId } from './registry.js';
export type { Argon2id, ImportedAccount, ImportFormat, ImportResult, ParseOptions } from './types.js';
