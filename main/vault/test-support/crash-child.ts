/**
 * The writer of the crash test (SECURITY-NOTES §9.2). It loops over saves, HOTP increments, password
 * changes and rekeys, and reports each commit on stdout right after it returns. The parent SIGKILLs
 * it at a random moment. Lines: `ready`, `begin <op> …` before a write, `commit <op> …` after it.
 */
import { randomBytes } from 'node:crypto';
import { rekeyVault } from '../rekey.js';
import { unlockVault } from '../unlock-vault.js';
import { memoisedKdf, testRuntime } from './test-runtime.js';

const [path = '', password = '', seedText = '1'] = process.argv.slice(2);
let currentPassword = password;
let random = Number(seedText);
const next = () => (random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const say = (line: string) => process.stdout.write(`${line}\n`);

// The parent hands over its memoised derivations: harnesses may memoise (DESIGN.md, conventions).
const runtime = await testRuntime({ deriveKey: memoisedKdf(undefined, process.env['LATCHKEY_TEST_KDF_CACHE']) });
let session = await unlockVault(path, { password: currentPassword }, runtime);
say('ready');
let hotpId = session.list().accounts.find((account) => account.type === 'hotp')?.id;

for (let step = 0; ; step++) {
  const roll = next();
  if (hotpId === undefined || roll < 0.6) {
    const secret = randomBytes(20);
    const label = `crash-${String(step)}-${secret.toString('hex').slice(0, 6)}`;
    const type = hotpId === undefined ? 'hotp' : 'totp';
    say(`begin add ${label}`);
    const added =
      type === 'hotp'
        ? session.add({ type: 'hotp', algorithm: 'SHA1', digits: 6, counter: 0n, issuer: 'Crash', label, secret })
        : session.add({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: 'Crash', label, secret });
    if (type === 'hotp') hotpId = added.id;
    say(`commit add ${added.id} ${label} ${secret.toString('hex')}`);
  } else if (roll < 0.993) {
    const { counter } = session.nextHotp(hotpId, { peek: false });
    say(`commit hotp ${hotpId} ${(counter + 1n).toString()}`);
  } else if (roll < 0.998) {
    const fresh = `crash password ${seedText}-${String(step)}`;
    say(`begin passwd ${fresh}`);
    await session.changePassword(fresh);
    currentPassword = fresh;
    say(`commit passwd ${fresh}`);
  } else {
    say('begin rekey');
    await rekeyVault(session, currentPassword);
    say('commit rekey');
    session.lock();
    session = await unlockVault(path, { password: currentPassword }, runtime);
  }
}
