const BIGINT_MARK = '\u0000bigint:';

/**
 * JSON text in which bigints are written as exact number literals: a HOTP counter of 2^64-1 stays
 * 18446744073709551615, as the CLI contract promises, instead of throwing or rounding.
 */
export function toJsonText(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v.toString()}` : v), indent);
  return text.replace(/"\\u0000bigint:(\d+)"/g, '$1');
}
