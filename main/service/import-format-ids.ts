import type { FormatId } from '../formats/index.js';

/**
 * The ids of the formats `import` reads, for the CLI's help, without loading the parsers (the CLI
 * builds its help on every command). The same list, in the same order, as formats/registry.ts:
 * the type below fails to compile if a format is missing, import-format-ids.test.ts checks the order.
 */
export const IMPORT_FORMAT_IDS = [
  'aegis',
  'two-fas',
  'andotp',
  'bitwarden',
  'freeotp-plus',
  'ente',
  'google-migration',
  'otpauth-list',
  'latchkey-transfer',
] as const satisfies readonly FormatId[];

/** Compiles only while every FormatId is in the list above. */
export const EVERY_FORMAT_LISTED: Exclude<FormatId, (typeof IMPORT_FORMAT_IDS)[number]> extends never ? true : never = true;
