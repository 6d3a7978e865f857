import { OathSession, yubikeyDialect } from '../main/keys/oath/index.js';
import { createSmartcardBackend, withPcscCard } from '../main/keys/pcsc/index.js';

/**
 * One OATH operation through PC/SC as a whole process, the same work as one `ykman oath accounts
 * list|code` process: node start-up, loading the smartcard addon and the driver, one exclusive
 * connection, SELECT, then LIST or CALCULATE ALL, and exit. Timed by `bench/oath-pcscd.ts` beside
 * ykman; it is the floor of a `latchkey keys …` command (no service, no contract, no vault).
 * `node dist/bench/oath-pcsc-once.js READER list|code`; prints one line per credential.
 */
const [reader, operation] = process.argv.slice(2);
if (reader === undefined || (operation !== 'list' && operation !== 'code')) {
  process.stderr.write('usage: node dist/bench/oath-pcsc-once.js READER list|code\n');
  process.exit(64);
}
const lines = await withPcscCard(createSmartcardBackend(), reader, async (transport) => {
  const session = await OathSession.open(transport, yubikeyDialect);
  if (operation === 'list') return (await session.list()).map((credential) => credential.name);
  return (await session.calculateAll()).map((calculation) => `${calculation.credential.name}  ${calculation.code?.value ?? '[not computed]'}`);
});
process.stdout.write(`${lines.join('\n')}\n`);
