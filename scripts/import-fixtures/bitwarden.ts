/** Writes main/formats/bitwarden/fixtures/ (run: npx tsx scripts/import-fixtures/bitwarden.ts). */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountDraft } from '../../shared/account.js';
import { formatOtpauthUri } from '../../main/enroll/index.js';
import { encodeBase32 } from '../../main/otp/index.js';
import { REPO_ROOT } from '../../main/test-support/facts.js';
import { goldenAccount } from '../../main/test-support/golden-accounts.js';

const OUT = join(REPO_ROOT, 'main/formats/bitwarden/fixtures');
const WORK_FOLDER = '2f6e1d3c-5a4b-4c7d-9e8f-0a1b2c3d4e5f';

/**
 * What the golden account's TOTP field holds: a bare secret where the account is TOTP/SHA1/6/30
 * (0 as Bitwarden shows it, 6 lower-case in groups of four as users paste it), a URI with an empty
 * label for 2 (names from the item), the full otpauth:// URI otherwise.
 */
function totpField(account: AccountDraft, i: number): string {
  if (i === 0) return encodeBase32(account.secret);
  if (i === 6) return encodeBase32(account.secret).toLowerCase().replace(/(.{4})(?=.)/g, '$1 ');
  if (i === 2) return `otpauth://totp/?secret=${encodeBase32(account.secret)}&algorithm=${account.algorithm}&digits=${String(account.digits)}&period=30`;
  return formatOtpauthUri(account);
}

function loginItem(name: string | null, username: string | null, totp: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    passwordHistory: null,
    revisionDate: '2024-11-02T10:00:00.000Z',
    creationDate: '2024-11-02T10:00:00.000Z',
    deletedDate: null,
    id: randomId(),
    organizationId: null,
    folderId: null,
    type: 1,
    reprompt: 0,
    name,
    notes: 'recovery codes are in the safe, drawer 2',
    favorite: false,
    login: { fido2Credentials: [], uris: [{ match: null, uri: 'https://example.com/login' }], username, password: 'hunter2, "quoted"', totp },
    collectionIds: null,
    ...extra,
  };
}

function randomId(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const golden = Array.from({ length: 12 }, (_, i) => goldenAccount(i));
const goldenItems = golden.map((account, i) => loginItem(account.issuer, account.label, totpField(account, i), i % 4 === 0 ? { folderId: WORK_FOLDER } : {}));
const noise = {
  note: { ...loginItem('Wi-Fi', null, null), type: 2, login: undefined, secureNote: { type: 0 }, notes: 'SSID: home, password "x"' },
  card: { ...loginItem('Visa', null, null), type: 3, login: undefined, card: { cardholderName: 'A B', brand: 'Visa', number: '4111111111111111' } },
  noTotp: loginItem('Forum', 'me', null),
  emptyTotp: loginItem('Shop', 'me', ''),
};
const items = [noise.note, goldenItems.slice(0, 2), noise.card, goldenItems.slice(2, 6), noise.noTotp, goldenItems.slice(6, 9), noise.emptyTotp, goldenItems.slice(9)].flat();
writeFileSync(join(OUT, 'golden.json'), JSON.stringify({ encrypted: false, folders: [{ id: WORK_FOLDER, name: 'Work' }], items }, null, 2));

/** A field as papaparse quotes it: only when it holds a comma, quote or line break. */
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const csvRow = (fields: readonly string[]): string => fields.map(csvField).join(',');
const notes = (i: number): string => (i % 3 === 0 ? `line one, with a comma\nline "two"\r\nline three` : i % 3 === 1 ? 'plain note' : '');

const personal = [
  csvRow(['folder', 'favorite', 'type', 'name', 'notes', 'fields', 'reprompt', 'login_uri', 'login_username', 'login_password', 'login_totp']),
  csvRow(['', '', 'note', 'Wi-Fi', 'SSID: home,\n"x"', '', '0', '', '', '', '']),
  ...golden.map((account, i) =>
    csvRow([i % 4 === 0 ? 'Work' : '', i === 1 ? '1' : '', 'login', account.issuer, notes(i), i === 5 ? 'PIN: 1234' : '', '0', 'https://example.com/login', account.label, 'p,"w"\nd', totpField(account, i)]),
  ),
  csvRow(['', '', 'login', 'Forum', '', '', '0', 'https://forum.example', 'me', 'pw', '']),
];
writeFileSync(join(OUT, 'golden.csv'), `${personal.join('\r\n')}\r\n`);

const org = [
  csvRow(['collections', 'type', 'name', 'notes', 'fields', 'reprompt', 'login_uri', 'login_username', 'login_password', 'login_totp']),
  ...[12, 13, 14].map((i) => csvRow(['Team,Ops', 'login', goldenAccount(i).issuer, '', '', '0', '', goldenAccount(i).label, '', formatOtpauthUri(goldenAccount(i))])),
];
writeFileSync(join(OUT, 'org.csv'), `${org.join('\n')}\n`);

const steamKey = encodeBase32(goldenAccount(20).secret.slice(0, 10));
const extras = [
  loginItem('Steam', 'gaben', `steam://${steamKey}`),
  loginItem('', null, `STEAM://${encodeBase32(goldenAccount(21).secret.slice(0, 10))}`),
  loginItem('Broken', 'me', 'NOT*BASE32'),
  loginItem('Web', 'me', 'https://example.com/totp?secret=JBSWY3DPEHPK3PXP'),
  loginItem('Hash', 'me', 'otpauth://totp/Hash:me?secret=JBSWY3DPEHPK3PXP&algorithm=MD5'),
  { ...loginItem('Typed', 'me', null), login: { username: 'me', totp: 123456 } },
  loginItem('Acme (work)', 'someone', 'otpauth://totp/Acme:alice?secret=JBSWY3DPEHPK3PXP&issuer=Acme'),
  loginItem('Evil\u202Emoc.liame', 'bob\u0007', 'JBSWY3DPEHPK3PXP'),
];
writeFileSync(join(OUT, 'extras.json'), JSON.stringify({ encrypted: false, folders: [], items: extras }, null, 2));

/** Made-up values in the documented shape: nothing here decrypts. */
const encString = (): string => `2.${randomBytes(16).toString('base64')}|${randomBytes(48).toString('base64')}|${randomBytes(32).toString('base64')}`;
writeFileSync(
  join(OUT, 'password-protected.json'),
  JSON.stringify(
    { encrypted: true, passwordProtected: true, salt: randomBytes(16).toString('base64'), kdfType: 0, kdfIterations: 600_000, kdfMemory: null, kdfParallelism: null, encKeyValidation_DO_NOT_EDIT: encString(), data: encString() },
    null,
    2,
  ),
);
writeFileSync(
  join(OUT, 'account-restricted.json'),
  JSON.stringify({ encrypted: true, encKeyValidation_DO_NOT_EDIT: encString(), folders: [], items: [{ ...loginItem(encString(), encString(), encString()), notes: null }] }, null, 2),
);
console.log('wrote Bitwarden fixtures');
