/** A code in groups a person can read aloud: 123 456, 1234 5678, 12345 67890; Steam's 5 stay whole. */
export function groupCode(code: string): string {
  if (code.length < 6) return code;
  if (code.length % 3 === 0) return code.replace(/(.{3})(?=.)/g, '$1 ');
  if (code.length % 2 === 0) return `${code.slice(0, code.length / 2)} ${code.slice(code.length / 2)}`;
  return code;
}

/** The name a row leads with: the issuer, or the label when there is no issuer. */
export function displayName(account: { issuer: string; label: string }): string {
  return account.issuer === '' ? account.label : account.issuer;
}

export function secondsText(seconds: number): string {
  return seconds === 1 ? '1 second' : `${String(seconds)} seconds`;
}
