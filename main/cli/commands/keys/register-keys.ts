import { cancellable } from '../../cancellable.js';
import { Option, type Command } from 'commander';
import type { ReplyOf, RequestOf } from '../../../../shared/api.js';
import { LatchkeyError, UsageError } from '../../../../shared/errors.js';
import type { AccountView } from '../../../../shared/vault-api.js';
import type { CliContext, Connection } from '../../context.js';
import { NotedError } from '../../noted-error.js';
import { accountName, plural, printResult } from '../../output.js';
import { hexArgument, parseSlot, serialOption } from './keys-input.js';
import { keyListText, keyName, keyStatusText } from './keys-output.js';
import { deleteOathCredential, registerOathKeys } from './register-oath.js';
import { registerKeySync } from './register-sync.js';

interface ProgramOptions {
  readonly hotp?: string;
  readonly challengeResponse: boolean;
  readonly hmacKey?: string;
  readonly generate: boolean;
  readonly touch: boolean;
  readonly accessCode?: string;
  readonly newAccessCode?: string;
}

interface AccessCodeOption {
  readonly accessCode?: string;
  readonly slot?: string;
}

/**
 * `latchkey keys …` for YubiKey OTP slots. The vault is opened only where it is needed: for a HOTP
 * account's secret, and for the sealed record of what Latchkey wrote to which key and slot (status,
 * program, delete, swap), and then only when a vault exists: without one, the key alone is worked on.
 * `list` and `challenge` never need the vault password.
 */
export function registerKeys(program: Command, context: CliContext): void {
  const { io } = context;
  const keys = program
    .command('keys')
    .summary('security keys: YubiKey OTP slots, and OATH credentials on a YubiKey or Nitrokey 3')
    .description('Work with security keys: YubiKey OTP slots (list, status, program, challenge, delete --slot, swap) and OATH credentials on a YubiKey or Nitrokey 3 (credentials, code, add, delete NAME, rename, pin, password, reset).')
    .addHelpText('after', '\nExamples:\n  $ latchkey keys list\n  $ latchkey keys credentials --key 12345678\n  $ latchkey keys sync --to 12345678 --dry-run\n  $ latchkey keys list --emulator yubikey-oath:yk.json --emulator nitrokey3:nk3.json');

  keys
    .command('list')
    .summary('the YubiKeys plugged in: kind, serial, firmware')
    .addHelpText('after', '\nNeeds no vault.\n\nExamples:\n  $ latchkey keys list\n  $ latchkey keys list --emulator yubikey-otp:key.json --json')
    .action(async (_options: unknown, cmd: Command) => {
      const { client, globals } = context.connect(cmd);
      const { keys: found, unavailable = [] } = await client.call('keys.list', {});
      for (const why of unavailable) io.writeErr(`latchkey: warning: ${why}\n`);
      printResult(io, globals.json, found, () => keyListText(found));
    });

  keys
    .command('status')
    .summary("a key's firmware, programming sequence and slots, with what Latchkey wrote there")
    .addHelpText(
      'after',
      `
A slot's secret can't be read back from the key: what Latchkey wrote there comes from the vault's
sealed record, so the vault is unlocked when there is one.

Examples:
  $ latchkey keys status
  $ latchkey keys status --key 12345678 --json`,
    )
    .action(async (_options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      const includeRecord = await unlockIfVault(connection);
      const status = await connection.client.call('keys.status', { ...serialOption(connection.globals.key), includeRecord });
      printResult(io, connection.globals.json, status, () => keyStatusText(status));
    });

  registerOathKeys(keys, context);
  registerKeySync(keys, context);

  keys
    .command('program')
    .summary('program a slot: HOTP from a vault account, or HMAC-SHA1 challenge-response')
    .argument('<slot>', '1 or 2')
    .addOption(new Option('--hotp <query>', 'the vault HOTP account to put on the key (matched as `latchkey code` matches)').conflicts(['challengeResponse']))
    .option('--challenge-response', 'HMAC-SHA1 challenge-response (with --hmac-key or --generate)', false)
    .addOption(new Option('--hmac-key <hex>', 'the HMAC-SHA1 key, up to 20 bytes as hex ("-": from standard input)').conflicts(['generate', 'hotp']))
    .addOption(new Option('--generate', 'a fresh random 20-byte HMAC-SHA1 key, printed once').default(false).conflicts(['hotp']))
    .option('--touch', 'challenge-response: answer only after the key is touched', false)
    .option('--access-code <hex>', "the slot's current access code (12 hex digits), if it has one")
    .option('--new-access-code <hex>', 'protect the programmed slot with this access code (12 hex digits)')
    .addHelpText(
      'after',
      `
A programmed slot is overwritten only after you confirm (at a terminal) or with --yes; slot 1 of a
new YubiKey holds Yubico's factory OTP credential, which nothing can restore. A HOTP account must be
SHA1 with 6 or 8 digits, and its counter a multiple of 16 up to 1,048,560 (the key counts from
there); the vault password is checked again, as for every copy of a secret. The account itself is
not changed. A generated key is printed once (with --json, as generatedKeyHex): keep it offline if
you may need to program a second key with it; Latchkey keeps no copy.

Examples:
  $ latchkey keys program 2 --hotp bank
  $ latchkey keys program 2 --challenge-response --generate --touch
  $ latchkey keys program 2 --challenge-response --hmac-key - < hmac-key.hex
  $ latchkey keys program 1 --hotp bank --yes --key 12345678`,
    )
    .action(async (slotText: string, options: ProgramOptions, cmd: Command) => {
      const slot = parseSlot(slotText);
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const base = {
        ...serialOption(globals.key),
        slot,
        ...(options.accessCode === undefined ? {} : { accessCode: await hexArgument(io, '--access-code', options.accessCode) }),
        ...(options.newAccessCode === undefined ? {} : { newAccessCode: await hexArgument(io, '--new-access-code', options.newAccessCode) }),
      };
      let account: AccountView | undefined;
      let credential: RequestOf<'keys.program'>['credential'];
      if (options.hotp !== undefined) {
        if (options.touch) throw new UsageError('--touch is for --challenge-response: a HOTP slot always types its code on a touch');
        await connection.unlock();
        account = await oneAccount(connection, options.hotp);
        credential = { kind: 'hotp', accountId: account.id, vaultPassword: await connection.vaultPassword() };
      } else if (options.challengeResponse) {
        if (options.hmacKey === undefined && !options.generate) throw new UsageError('--challenge-response needs --hmac-key HEX or --generate');
        credential = {
          kind: 'challenge-response',
          touch: options.touch,
          ...(options.hmacKey === undefined ? {} : { keyHex: await hexArgument(io, '--hmac-key', options.hmacKey) }),
        };
      } else throw new UsageError('give --hotp QUERY or --challenge-response (see latchkey keys program --help)');
      const updateRecord = options.hotp !== undefined || (await unlockIfVault(connection));
      const result = await askBeforeOverwrite(context, globals.yes, 'overwrite', (overwrite) => client.call('keys.program', { ...base, credential, overwrite, updateRecord }));
      const json = { ...result, ...(account === undefined ? {} : { account: { id: account.id, issuer: account.issuer, label: account.label } }) };
      printResult(io, globals.json, json, () => programText(result, account));
    });

  keys
    .command('challenge')
    .summary('HMAC-SHA1 challenge-response: print the key\'s answer to a challenge (as `ykman otp calculate`)')
    .argument('<slot>', '1 or 2')
    .argument('<challenge>', 'the challenge, up to 64 bytes as hex ("-": from standard input)')
    .addHelpText(
      'after',
      `
Prints the 20-byte response as hex. A slot programmed with --touch waits for the touch ("Touch your
YubiKey…" on stderr); Ctrl-C cancels. Needs no vault.

Examples:
  $ latchkey keys challenge 2 0123456789abcdef
  $ latchkey keys challenge 2 - --json < challenge.hex`,
    )
    .action(async (slotText: string, challengeText: string, _options: unknown, cmd: Command) => {
      const slot = parseSlot(slotText);
      const { client, globals } = context.connect(cmd);
      const challengeHex = await hexArgument(io, 'the challenge', challengeText);
      const reply = await cancellable(io, client, (opId) => client.call('keys.challenge', { ...serialOption(globals.key), slot, challengeHex, opId }));
      printResult(io, globals.json, reply, () => reply.responseHex);
    });

  keys
    .command('delete')
    .summary('empty a YubiKey OTP slot (--slot 1|2), or delete the OATH credential NAME')
    .argument('[name]', 'an OATH credential, by its name as `keys credentials` shows it')
    .addOption(new Option('--slot <slot>', '1 or 2'))
    .option('--access-code <hex>', "the slot's access code (12 hex digits), if it has one")
    .option('--key-pin-file <file>', "a Nitrokey 3's PIN, from the file's first line")
    .option('--key-password-file <file>', "a YubiKey's OATH access password, from the file's first line")
    .addHelpText(
      'after',
      `
A programmed slot is deleted only after you confirm (at a terminal) or with --yes: its secret can't
be put back (on slot 1 of a new YubiKey, Yubico's factory OTP credential).

Examples:
  $ latchkey keys delete --slot 2
  $ latchkey keys delete --slot 2 --yes --key 12345678
  $ latchkey keys delete "GitHub:me" --yes`,
    )
    .action(async (name: string | undefined, options: AccessCodeOption & { keyPinFile?: string; keyPasswordFile?: string }, cmd: Command) => {
      if ((name === undefined) === (options.slot === undefined)) throw new UsageError('give --slot 1|2 (a YubiKey OTP slot) or a credential NAME (OATH), not both');
      if (name !== undefined) {
        await deleteOathCredential(context, cmd, name, options);
        return;
      }
      const slot = parseSlot(options.slot ?? '');
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const accessCode = options.accessCode === undefined ? {} : { accessCode: await hexArgument(io, '--access-code', options.accessCode) };
      const updateRecord = await unlockIfVault(connection);
      const result = await askBeforeOverwrite(context, globals.yes, 'delete', (confirmed) =>
        client.call('keys.delete', { ...serialOption(globals.key), slot, ...accessCode, confirmed, updateRecord }),
      );
      printResult(io, globals.json, result, () => `Deleted slot ${String(slot)} of ${keyName(result.key)}.`);
    });

  keys
    .command('swap')
    .summary('swap slots 1 and 2 (swap again to undo)')
    .addHelpText('after', '\nExamples:\n  $ latchkey keys swap\n  $ latchkey keys swap --key 12345678')
    .action(async (_options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const updateRecord = await unlockIfVault(connection);
      const result = await client.call('keys.swap', { ...serialOption(globals.key), updateRecord });
      printResult(io, globals.json, result, () => `Swapped slots 1 and 2 of ${keyName(result.key)}.`);
    });
}

/**
 * The record lives in the vault: unlocked when a vault exists (from the password's sources, or asked
 * for), and left alone when there is none, so a key can be worked on before any vault is made.
 */
async function unlockIfVault(connection: Connection): Promise<boolean> {
  const status = await connection.client.call('vault.status', {});
  if (!status.exists) return false;
  await connection.unlock();
  return true;
}

async function oneAccount(connection: Connection, query: string): Promise<AccountView> {
  const { accounts } = await connection.client.call('accounts.list', { query });
  const [only] = accounts;
  if (only === undefined) throw new LatchkeyError('NOT_FOUND', `no account matches "${query}"`);
  if (accounts.length > 1) {
    throw new NotedError(new LatchkeyError('AMBIGUOUS', `${plural(accounts.length, 'account')} match "${query}"; be more specific`), accounts.map((a) => `matches: ${accountName(a)}`));
  }
  return only;
}

/**
 * Tries the write unconfirmed; a programmed slot (KEY_CREDENTIAL_EXISTS, nothing written) is asked
 * about at a terminal, and written only on "yes". `--yes` confirms up front; a script without it gets
 * the error, and a line saying how to go on.
 */
async function askBeforeOverwrite<T>(context: CliContext, yes: boolean, verb: 'overwrite' | 'delete', write: (confirmed: boolean) => Promise<T>): Promise<T> {
  try {
    return await write(yes);
  } catch (error) {
    if (!(error instanceof LatchkeyError) || error.code !== 'KEY_CREDENTIAL_EXISTS' || yes) throw error;
    if (!context.io.interactive) throw new NotedError(error, [`add --yes to ${verb} it anyway`]);
    context.io.writeErr(`latchkey: ${error.message.replace(/ Nothing was (written|deleted).*$/, '')}\n`);
    const answer = await context.io.prompt(`${verb === 'overwrite' ? 'Overwrite' : 'Delete'} it? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'the key was not changed');
    return write(true);
  }
}

function programText(result: ReplyOf<'keys.program'>, account: AccountView | undefined): string {
  const where = `slot ${String(result.slot)} of ${keyName(result.key)}`;
  if (result.kind === 'hotp') {
    return `Programmed ${where} with HOTP for ${account === undefined ? 'the account' : accountName(account)} (counter ${result.counter ?? '0'}; touch the key to type a code).`;
  }
  const lines = [`Programmed ${where} for HMAC-SHA1 challenge-response.`];
  if (result.generatedKeyHex !== undefined) {
    lines.push(`Generated HMAC-SHA1 key (shown once; Latchkey keeps no copy; keep it offline to program a backup key): ${result.generatedKeyHex}`);
  }
  if (!result.recorded) lines.push(`(not noted in the vault's record: ${result.key.serial === null ? 'the key hides its serial' : 'there is no vault'})`);
  return lines.join('\n');
}
