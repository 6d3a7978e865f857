import { createHash } from 'node:crypto';
import { createClient, type LatchkeyClient } from '../shared/client.js';
import { SETTINGS_LIMITS } from '../shared/settings-api.js';
import { encodeBase32 } from '../main/otp/index.js';
import type { Service } from '../main/service/index.js';

/**
 * Accounts for screenshots and benchmarks, added through the public channels (`accounts.add`,
 * `import.preview` + `import.commit`) like any door would. Secrets are derived from the names, so the
 * same moment always shows the same codes.
 */
export interface SampleAccount {
  readonly type: 'totp' | 'hotp' | 'steam';
  readonly issuer: string;
  readonly label: string;
  readonly period: number;
  readonly digits: number;
  readonly algorithm: 'SHA1' | 'SHA256' | 'SHA512';
}

function account(issuer: string, label: string, extra: Partial<SampleAccount> = {}): SampleAccount {
  return { type: 'totp', issuer, label, period: 30, digits: 6, algorithm: 'SHA1', ...extra };
}

/** The one account whose code is about to change at `momentWithOneEnding()`: its period is 20 s, the others' 30 s or 60 s. */
export const ENDING_ISSUER = 'Northwind VPN';

/** Twenty accounts as a real user might have them: well-known services, label lengths from short to long. */
export const SAMPLE_ACCOUNTS: readonly SampleAccount[] = [
  account('GitHub', 'alice-martin'),
  account('Google', 'alice.martin@gmail.com'),
  account('Proton', 'alice.martin@proton.me'),
  account(ENDING_ISSUER, 'amartin', { period: 20, digits: 8, algorithm: 'SHA256' }),
  account('Cloudflare', 'alice.martin@example.com'),
  account('Amazon Web Services', 'root@acme-production (123456789012)'),
  account('Steam', 'alicemartin92', { type: 'steam', digits: 5 }),
  account('Microsoft', 'alice.martin@outlook.com'),
  account('Acme Credit Union', 'Online banking', { type: 'hotp' }),
  account('Dropbox', 'alice.martin@example.com'),
  account('Slack', 'alice@acme-corp.slack.com'),
  account('Bitwarden', 'alice.martin@example.com'),
  account('Discord', 'alicem'),
  account('npm', 'alice-martin'),
  account('Docker Hub', 'alicemartin'),
  account('Fastmail', 'alice@fastmail.com'),
  account('Fabrikam Payroll', 'alice.martin@fabrikam-employee-services.example.com', { period: 60, digits: 8 }),
  account('DigitalOcean', 'alice.martin@example.com'),
  account('GitLab', 'alice.martin'),
  account('', 'alice@nextcloud.home.arpa'),
];

/** Filters the sample to three rows (GitHub, DigitalOcean, GitLab). */
export const SEARCH_QUERY = 'git';

/** The accounts a plain substring search over issuer and label would keep. */
export function searchMatches(query: string, accounts: readonly SampleAccount[] = SAMPLE_ACCOUNTS): SampleAccount[] {
  const needle = query.trim().toLowerCase();
  return accounts.filter((a) => `${a.issuer} ${a.label}`.toLowerCase().includes(needle));
}

/** What the list shows as an account's name. */
export function displayName(a: SampleAccount): string {
  return a.issuer === '' ? a.label : a.issuer;
}

function secretFor(a: SampleAccount): string {
  return encodeBase32(createHash('sha1').update(`latchkey sample ${a.type} ${a.issuer} ${a.label}`).digest());
}

export function sampleUri(a: SampleAccount): string {
  const name = a.issuer === '' ? encodeURIComponent(a.label) : `${encodeURIComponent(a.issuer)}:${encodeURIComponent(a.label)}`;
  const query = new URLSearchParams({ secret: secretFor(a) });
  if (a.issuer !== '') query.set('issuer', a.issuer);
  if (a.type === 'hotp') {
    query.set('counter', '0');
  } else if (a.type === 'steam') {
    query.set('encoder', 'steam');
  } else {
    if (a.period !== 30) query.set('period', String(a.period));
    if (a.digits !== 6) query.set('digits', String(a.digits));
    if (a.algorithm !== 'SHA1') query.set('algorithm', a.algorithm);
  }
  return `otpauth://${a.type === 'hotp' ? 'hotp' : 'totp'}/${name}?${query.toString()}`.replace(/\+/g, '%20');
}

/** `count` accounts for load tests: the sample's issuers, cycled, with numbered labels. */
export function bulkUris(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const base = SAMPLE_ACCOUNTS[i % SAMPLE_ACCOUNTS.length] ?? account('Service', 'user');
    return sampleUri({ ...base, issuer: base.issuer === '' ? `Service ${String(i)}` : base.issuer, label: `user${String(i)}@example.com` });
  });
}

/**
 * A moment (unix ms, on a whole second) at or after `after` when exactly one timed account of the
 * sample (ENDING_ISSUER) is in its last seconds (3 s left: the app colours it as ending) and every
 * other one has at least 8 s left.
 */
export function momentWithOneEnding(after: number, accounts: readonly SampleAccount[] = SAMPLE_ACCOUNTS): number {
  const timed = accounts.filter((a) => a.type !== 'hotp');
  for (let t = Math.ceil(after / 1000); t < Math.ceil(after / 1000) + 86_400; t++) {
    const left = timed.map((a) => ({ name: a.issuer, left: a.period - (t % a.period) }));
    const ending = left.filter((l) => l.left <= 5);
    if (ending.length === 1 && ending[0]?.name === ENDING_ISSUER && ending[0].left === 3 && left.every((l) => l.left <= 5 || l.left >= 8)) return t * 1000;
  }
  throw new Error('no moment found with exactly one code ending');
}

export function clientFor(service: Service): LatchkeyClient {
  return createClient((channel, payload) => service.dispatch(channel, payload));
}

/** Creates the vault and unlocks it (a new vault starts locked), through the channels. */
export async function createUnlockedVault(client: LatchkeyClient, password: string): Promise<void> {
  await client.call('vault.create', { password });
  await client.call('vault.unlock', { password });
}

/** One `accounts.add` per URI, in order (the list shows them in that order). */
export async function addAccounts(client: LatchkeyClient, uris: readonly string[]): Promise<void> {
  for (const uri of uris) await client.call('accounts.add', { uri });
}

/** Many accounts in one transaction: a plain-text list of URIs through `import.preview` and `import.commit`. */
export async function importAccounts(client: LatchkeyClient, uris: readonly string[]): Promise<number> {
  const preview = await client.call('import.preview', { fileBase64: Buffer.from(uris.join('\n')).toString('base64'), fileName: 'accounts.txt' });
  const { added } = await client.call('import.commit', { previewId: preview.previewId });
  return added.length;
}

/**
 * Sets the auto-lock to its longest (SETTINGS_LIMITS) so a simulated idle stretch keeps the vault
 * unlocked. Returns why not when the service does not take it.
 */
export async function keepUnlocked(client: LatchkeyClient): Promise<string | undefined> {
  try {
    await client.call('settings.set', { autoLockMinutes: SETTINGS_LIMITS.autoLockMinutesMax });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
