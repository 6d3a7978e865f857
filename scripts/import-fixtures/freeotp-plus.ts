/**
 * Writes main/formats/freeotp-plus/fixtures/ (run: npx tsx scripts/import-fixtures/freeotp-plus.ts).
 * Composed from shared/formats/freeotp-plus.md: secrets as signed Java bytes, Gson-style objects.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountDraft } from '../../shared/account.js';
import { REPO_ROOT } from '../../main/test-support/facts.js';
import { goldenAccount } from '../../main/test-support/golden-accounts.js';

const OUT = join(REPO_ROOT, 'main/formats/freeotp-plus/fixtures');
type Json = Record<string, unknown>;

/** Indented JSON with each byte list on one line, for review (FreeOTP+ itself writes it compact). */
const pretty = (value: unknown): string =>
  `${JSON.stringify(value, null, 2).replace(/\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]/g, (_, list: string) => `[${list.split(/,\s*/).join(', ')}]`)}\n`;

const signedBytes = (secret: Uint8Array): number[] => Array.from(secret, (byte) => (byte > 127 ? byte - 256 : byte));

/** A token as FreeOTP+ writes it; `minimal` leaves out the fields whose defaults apply (SHA1, 6, 30). */
function token(account: AccountDraft, minimal = false): Json {
  const params: Json = minimal ? {} : { algo: account.algorithm, digits: account.digits, period: account.type === 'totp' ? account.period : 30 };
  return {
    ...params,
    // FreeOTP+ stores the counter "last used"; Latchkey imports it as-is, so the golden counter goes in.
    counter: account.type === 'hotp' ? Number(account.counter) : 0,
    issuerExt: account.issuer,
    issuerInt: account.issuer,
    label: account.label,
    secret: signedBytes(account.secret),
    type: account.type.toUpperCase(),
  };
}

function writeGolden(): void {
  const golden = Array.from({ length: 12 }, (_, i) => goldenAccount(i));
  // Tokens stored out of order; tokenOrder (the order the user saw) restores golden order.
  const fileOrder = [5, 0, 11, 3, 8, 1, 10, 2, 7, 4, 9, 6];
  const tokens = fileOrder.map((i) => {
    const account = golden[i] ?? goldenAccount(i);
    const base = token(account, i === 0 || i === 6);
    if (i === 4) return { ...base, issuerInt: 'cloud.example.net', issuerAlt: 'Cloud (work)', labelAlt: '', image: 'content://images/cloud.png' };
    return base;
  });
  const tokenOrder = golden.map((account) => `${account.issuer}:${account.label}`);
  writeFileSync(join(OUT, 'golden.json'), pretty({ tokenOrder, tokens }));
}

/** Per-entry problems beside good entries, no tokenOrder, and `__proto__`/`constructor` keys. */
function writeMixed(): void {
  const bait = (): Json => JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}') as Json;
  const steam: AccountDraft = { type: 'totp', algorithm: 'SHA1', digits: 5, period: 30, issuer: 'Steam', label: 'gamer', secret: Uint8Array.from({ length: 20 }, (_, k) => (k * 13 + 5) % 256) };
  const tokens: Json[] = [
    token(goldenAccount(1)),
    token(steam),
    { ...token(goldenAccount(4)), algo: 'MD5' },
    { ...token(goldenAccount(5)), secret: [12, 200, -3] },
    { ...token(goldenAccount(6)), secret: 'JBSWY3DPEHPK3PXP' },
    { ...token(goldenAccount(7)), type: 'YAOTP' },
    { ...token(goldenAccount(8)), digits: 0 },
    { ...token(goldenAccount(10)), counter: -1 },
    { ...token(goldenAccount(9)), secret: [] },
    { ...bait(), ...token(goldenAccount(3)) },
  ];
  writeFileSync(join(OUT, 'mixed-entries.json'), pretty({ ...bait(), tokens }));
}

writeGolden();
writeMixed();
console.log('wrote freeotp-plus fixtures');
