import type { Command } from 'commander';
import type { RequestOf } from '../../../../shared/api.js';
import { LatchkeyError, UsageError } from '../../../../shared/errors.js';
import type { KeySummary, OathCredentialView } from '../../../../shared/keys-api.js';
import type { CliContext, Connection } from '../../context.js';
import { NotedError } from '../../noted-error.js';
import { accountName, plural, printResult } from '../../output.js';
import { cancellable as cancelOnInterrupt } from '../../cancellable.js';
import { readSecretFile } from '../../credential-source.js';
import { readPasswordFile } from '../../password-source.js';
import { serialOption } from './keys-input.js';

interface KeyAuthOptions {
  readonly keyPinFile?: string;
  readonly keyPasswordFile?: string;
  readonly rememberKeyPassword?: boolean;
}

type Auth = NonNullable<RequestOf<'keys.credentials'>['auth']>;

const PRODUCT: Record<KeySummary['kind'], string> = { 'yubikey-otp': 'YubiKey', 'yubikey-oath': 'YubiKey', nitrokey3: 'Nitrokey 3' };

/** `Nitrokey 3 12345678 (version 4.14.0, emulated)`. */
export function oathKeyName(key: KeySummary): string {
  return `${PRODUCT[key.kind]} ${key.serial === null ? '(serial hidden)' : String(key.serial)} (${key.kind === 'nitrokey3' ? 'Secrets App' : 'firmware'} ${key.firmware}${key.emulated ? ', emulated' : ''})`;
}

const credentialLine = (credential: OathCredentialView) =>
  `${credential.name}  ${credential.type.toUpperCase()}${credential.type === 'totp' && credential.period !== 30 ? `/${String(credential.period)}s` : ''}${credential.algorithm === null ? '' : ` ${credential.algorithm}`}${credential.touch === true ? '  touch' : ''}${credential.pinProtected === true ? '  PIN' : ''}`;

function withAuthOptions(command: Command): Command {
  return command
    .option('--key-pin-file <file>', "a Nitrokey 3's PIN, from the file's first line (\"-\": standard input)")
    .option('--key-password-file <file>', "a YubiKey's OATH access password, from the file's first line (\"-\": standard input)")
    .option('--remember-key-password', "seal the YubiKey's access password (as its access key) in the vault, for this key's serial", false);
}

/**
 * `latchkey keys credentials|code|add|rename|pin|password|reset` and `keys delete NAME`: the OATH
 * credentials on a YubiKey or a Nitrokey 3. A PIN or password is read from its file, or asked at a
 * terminal when the key says it needs one, and held for this one command.
 */
export function registerOathKeys(keys: Command, context: CliContext): void {
  const { io } = context;

  /**
   * The request's auth from the files. A YubiKey that wants its access password and got none is asked
   * again with the vault unlocked (when there is a vault: it may hold the password, sealed with
   * --remember-key-password), then, at a terminal, with the password or PIN typed in.
   */
  async function withAuth<T>(connection: Connection, options: KeyAuthOptions, call: (auth: Auth) => Promise<T>): Promise<T> {
    const remember = options.rememberKeyPassword === true;
    if (remember) await connection.unlock();
    let auth: Auth = {
      ...(options.keyPinFile === undefined ? {} : { pin: await secretFile(options.keyPinFile) }),
      ...(options.keyPasswordFile === undefined ? {} : { password: await secretFile(options.keyPasswordFile) }),
      ...(remember ? { remember } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await call(auth);
      } catch (error) {
        if (!(error instanceof LatchkeyError) || error.code !== 'KEY_PIN_REQUIRED' || attempt > 1) throw error;
        const kind = error.details?.['kind'] === 'password' ? 'password' : 'pin';
        if (attempt === 0 && kind === 'password' && auth.password === undefined && (await unlockedVault(connection, io.env))) continue;
        if (!io.interactive) throw error;
        const answer = await io.prompt(kind === 'password' ? 'YubiKey access password: ' : 'Nitrokey 3 PIN: ', { hidden: true });
        auth = { ...auth, [kind]: answer };
      }
    }
  }

  const secretFile = (file: string) => readSecretFile(file, io);

  const cancellable = <T>(connection: Connection, call: (opId: string) => Promise<T>): Promise<T> => cancelOnInterrupt(io, connection.client, call);

  withAuthOptions(keys.command('credentials').summary('the OATH credentials on a YubiKey or Nitrokey 3')).addHelpText(
    'after',
    '\nNeeds no vault. With --json: { key, capacity, credentials: [{ name, issuer, label, type, period, algorithm, digits, touch, pinProtected }] }.\n\nExamples:\n  $ latchkey keys credentials\n  $ latchkey keys credentials --emulator nitrokey3:nk3.json --key-pin-file pin.txt --json',
  ).action(async (options: KeyAuthOptions, cmd: Command) => {
    const connection = context.connect(cmd);
    const { client, globals } = connection;
    const reply = await withAuth(connection, options, (auth) => cancellable(connection, (opId) => client.call('keys.credentials', { ...serialOption(globals.key), auth, opId })));
    printResult(io, globals.json, reply, () =>
      [`${oathKeyName(reply.key)}: ${plural(reply.credentials.length, 'credential')} of ${String(reply.capacity)}`, ...reply.credentials.map(credentialLine)].join('\n'),
    );
  });

  withAuthOptions(
    keys
      .command('code')
      .summary('a code computed on the key, for the credential QUERY matches (as `latchkey code`)')
      .argument('<query>', 'part of the issuer or label (letters in order also match)')
      .option('--at <unix-seconds>', 'the moment to compute the code for (default: now)'),
  )
    .addHelpText(
      'after',
      `
The key computes the code (a touch credential waits for the touch: "Touch your key…" on stderr).
With --json: { account: { issuer, label, type, period }, code, validFrom, validUntil, key } (key: the
serial). Several matches print them all and exit with code 3 (AMBIGUOUS).

Examples:
  $ latchkey keys code github
  $ latchkey keys code github --json --emulator yubikey-oath:key.json`,
    )
    .action(async (query: string, options: KeyAuthOptions & { readonly at?: string }, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const at = options.at === undefined ? {} : { at: wholeNumber('--at', options.at) };
      const reply = await withAuth(connection, options, (auth) => cancellable(connection, (opId) => client.call('keys.calculate', { ...serialOption(globals.key), auth, query, ...at, opId })));
      const serial = reply.key.serial;
      const asJson = reply.matches.map((match) => ({
        // As `code --json`'s account, as far as the key says: no id or tags (it is not a vault account).
        account: {
          type: match.credential.type,
          issuer: match.credential.issuer ?? '',
          label: match.credential.label,
          algorithm: match.credential.algorithm,
          digits: match.credential.digits ?? match.code?.length ?? null,
          ...(match.credential.type === 'totp' ? { period: match.credential.period } : {}),
        },
        code: match.code,
        validFrom: match.validFrom,
        validUntil: match.validUntil,
        key: serial,
      }));
      const [only] = asJson;
      if (only === undefined) throw new LatchkeyError('NOT_FOUND', `no credential on ${oathKeyName(reply.key)} matches "${query}"`);
      if (asJson.length === 1) {
        printResult(io, globals.json, only, () => only.code ?? '');
        return;
      }
      printResult(io, globals.json, asJson, () =>
        reply.matches.map((match) => `${match.credential.name}: ${match.code ?? `(${match.notComputed === 'touch' ? 'touch' : match.notComputed === 'pin' ? 'PIN' : 'HOTP'}: ask for it alone)`}`).join('\n'),
      );
      throw new LatchkeyError('AMBIGUOUS', `${plural(asJson.length, 'credential')} match "${query}"; be more specific`);
    });

  withAuthOptions(
    keys
      .command('add')
      .summary('copy vault accounts onto the key')
      .argument('<query...>', 'vault accounts, each matched as `latchkey code` matches (each must match one)')
      .option('--touch', 'the key computes a code only after a touch', false)
      .option('--overwrite', 'replace a credential of the same name on the key', false),
  )
    .addHelpText(
      'after',
      `
Names go on the key as [period/]issuer:label, within its limit (64 bytes on a YubiKey, 127 on a
Nitrokey 3): a longer one is refused, never cut. Steam accounts, digits outside 6-8 and SHA512 on a
Nitrokey 3 are refused with the reason; one refusal writes nothing. Each TOTP written is checked: the
key's code must equal the vault's. The vault password is asked again (secrets leave the vault). A
name already on the key is KEY_CREDENTIAL_EXISTS unless --overwrite (or --yes).

Examples:
  $ latchkey keys add github mail
  $ latchkey keys add bank --touch --key 12345678`,
    )
    .action(async (queries: string[], options: KeyAuthOptions & { readonly touch: boolean; readonly overwrite: boolean }, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      await connection.unlock();
      const accounts: { readonly id: string }[] = [];
      for (const query of queries) {
        const { accounts: found } = await client.call('accounts.list', { query });
        const [only] = found;
        if (only === undefined) throw new LatchkeyError('NOT_FOUND', `no account matches "${query}"`);
        if (found.length > 1) throw new NotedError(new LatchkeyError('AMBIGUOUS', `${plural(found.length, 'account')} match "${query}"; be more specific`), found.map((a) => `matches: ${accountName(a)}`));
        accounts.push(only);
      }
      const vaultPassword = await connection.vaultPassword();
      const reply = await withAuth(connection, options, (auth) =>
        cancellable(connection, (opId) =>
          client.call('keys.put', { ...serialOption(globals.key), auth, opId, accountIds: accounts.map((a) => a.id), vaultPassword, touch: options.touch, overwrite: options.overwrite || globals.yes }),
        ),
      );
      printResult(io, globals.json, reply, () =>
        reply.written
          .map((entry) => `Added ${entry.credential.name} to ${oathKeyName(reply.key)}${entry.overwritten ? ' (replaced)' : ''}${entry.verified === true ? '; the key computes the vault\'s code' : ''}.`)
          .join('\n'),
      );
    });

  withAuthOptions(
    keys.command('rename').summary('rename a credential on the key').argument('<name>', 'its name as `keys credentials` shows it').argument('<new-name>', 'issuer:label, or label'),
  )
    .addHelpText('after', '\nA TOTP period stays. Needs firmware with RENAME (YubiKey 5.3.1 or later; Nitrokey 3).\n\nExamples:\n  $ latchkey keys rename "GitHub:old" "GitHub:new"')
    .action(async (name: string, next: string, options: KeyAuthOptions, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const colon = next.indexOf(':');
      const to = colon === -1 ? { label: next } : { issuer: next.slice(0, colon), label: next.slice(colon + 1) };
      const reply = await withAuth(connection, options, (auth) => cancellable(connection, (opId) => client.call('keys.rename', { ...serialOption(globals.key), auth, opId, name, ...to })));
      printResult(io, globals.json, reply, () => `Renamed ${name} to ${reply.credential.name} on ${oathKeyName(reply.key)}.`);
    });

  const pinExamples = {
    verify: '  $ latchkey keys pin verify --key-pin-file pin.txt',
    set: '  $ latchkey keys pin set --key-pin-file new-pin.txt',
    change: '  $ latchkey keys pin change --key-pin-file pin.txt --new-key-pin-file new-pin.txt',
  };
  const pin = keys
    .command('pin')
    .summary("a Nitrokey 3's PIN: verify, set, change")
    .addHelpText('after', `\nAt a terminal, a PIN not given in a file is asked for.\n\nExamples:\n${Object.values(pinExamples).join('\n')}`);
  for (const action of ['verify', 'set', 'change'] as const) {
    pin
      .command(action)
      .summary(action === 'verify' ? 'check the PIN (shows the attempts left)' : action === 'set' ? 'set a first PIN' : 'change the PIN')
      .addHelpText('after', `\nExample:\n${pinExamples[action]}`)
      .option('--key-pin-file <file>', 'the current PIN (set: the new one), from the file\'s first line ("-": standard input)')
      .option('--new-key-pin-file <file>', 'change: the new PIN, from the file\'s first line')
      .action(async (options: { readonly keyPinFile?: string; readonly newKeyPinFile?: string }, cmd: Command) => {
        const connection = context.connect(cmd);
        const { client, globals } = connection;
        const ask = async (file: string | undefined, question: string) => (file !== undefined ? secretFile(file) : io.interactive ? io.prompt(question, { hidden: true }) : undefined);
        const current = await ask(options.keyPinFile, action === 'set' ? 'New Nitrokey 3 PIN: ' : 'Nitrokey 3 PIN: ');
        const next = action === 'change' ? await ask(options.newKeyPinFile, 'New Nitrokey 3 PIN: ') : undefined;
        const request = action === 'set' ? { newPin: current } : { pin: current, newPin: next };
        const reply = await client.call('keys.pin', { ...serialOption(globals.key), action, ...definedOnly(request) });
        const left = reply.attemptsRemaining === null ? '' : ` (${plural(reply.attemptsRemaining, 'attempt')} left)`;
        printResult(io, globals.json, reply, () => `${action === 'verify' ? 'The PIN is right' : action === 'set' ? 'PIN set' : 'PIN changed'} on ${oathKeyName(reply.key)}${left}.`);
      });
  }

  const passwordExamples = {
    set: '  $ latchkey keys password set --new-key-password-file pw.txt --remember-key-password\n  $ latchkey keys password set --key-password-file old.txt --new-key-password-file new.txt',
    clear: '  $ latchkey keys password clear --key-password-file pw.txt',
  };
  const password = keys
    .command('password')
    .summary("a YubiKey's OATH access password: set, clear")
    .addHelpText('after', `\nExamples:\n${Object.values(passwordExamples).join('\n')}`);
  for (const action of ['set', 'clear'] as const) {
    password
      .command(action)
      .summary(action === 'set' ? 'set or change the access password' : 'remove the access password')
      .addHelpText('after', `\nExample${action === 'set' ? 's' : ''}:\n${passwordExamples[action]}`)
      .option('--key-password-file <file>', 'the current access password, if one is set')
      .option('--new-key-password-file <file>', 'set: the new access password')
      .option('--remember-key-password', 'set: seal the new password (as its access key) in the vault, for this key\'s serial', false)
      .action(async (options: KeyAuthOptions & { readonly newKeyPasswordFile?: string }, cmd: Command) => {
        const connection = context.connect(cmd);
        const { client, globals } = connection;
        const newPassword = action === 'clear' ? undefined : options.newKeyPasswordFile !== undefined ? await secretFile(options.newKeyPasswordFile) : io.interactive ? await io.prompt('New access password: ', { hidden: true }) : undefined;
        if (action === 'set' && newPassword === undefined) throw new UsageError('give --new-key-password-file FILE, or run in a terminal');
        const reply = await withAuth(connection, options, (auth) => client.call('keys.password', { ...serialOption(globals.key), auth, action, ...definedOnly({ newPassword }) }));
        printResult(io, globals.json, reply, () => `${reply.hasPassword ? 'Access password set' : 'Access password removed'} on ${oathKeyName(reply.key)}.`);
      });
  }

  withAuthOptions(keys.command('reset').summary('erase every OATH credential and the PIN or password on the key'))
    .addHelpText('after', '\nSays what it will erase (count and names) and goes on only after you type "reset" at a terminal, or with --yes.\n\nExamples:\n  $ latchkey keys reset\n  $ latchkey keys reset --yes --key 12345678')
    .action(async (options: KeyAuthOptions, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const serial = serialOption(globals.key);
      const listing = await withAuth(connection, options, (auth) => client.call('keys.credentials', { ...serial, auth }));
      io.writeErr(
        `latchkey: a reset of ${oathKeyName(listing.key)} erases ${plural(listing.credentials.length, 'credential')}${listing.credentials.length === 0 ? '' : `: ${listing.credentials.map((c) => c.name).join(', ')}`}, and its PIN or password\n`,
      );
      if (!globals.yes) {
        if (!io.interactive) throw new NotedError(new LatchkeyError('CANCELLED', 'the key was not reset'), ['add --yes to reset it anyway']);
        const answer = await io.prompt('Type "reset" to erase them: ');
        if (answer.trim() !== 'reset') throw new LatchkeyError('CANCELLED', 'the key was not reset');
      }
      // The same key as listed: a second key plugged in meanwhile must not be the one erased.
      const target = listing.key.serial === null ? serial : { serial: listing.key.serial };
      const reply = await cancellable(connection, (opId) => client.call('keys.reset', { ...target, confirmed: true, opId }));
      printResult(io, globals.json, reply, () => `Reset ${oathKeyName(reply.key)}: ${plural(reply.erased ?? listing.credentials.length, 'credential')} erased.`);
    });
}

/**
 * True when a vault exists and is now unlocked (it was locked) from the vault password's sources:
 * worth asking the key again, as the vault may hold its password. Without a source the key's own
 * refusal stands (and at a terminal its password is asked for).
 */
async function unlockedVault(connection: Connection, env: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  // At a terminal with no source, a vault password prompt would come before the key's: ask the key's.
  const { globals } = connection;
  const sourced = globals.passwordFile ?? globals.passwordCommand ?? globals.recoveryKeyFile ?? env['LATCHKEY_PASSWORD_FILE'];
  if (sourced === undefined || sourced === '') return false;
  const status = await connection.client.call('vault.status', {});
  if (!status.exists || !status.locked) return false;
  try {
    await connection.unlock();
  } catch (error) {
    if (error instanceof LatchkeyError && error.code === 'USAGE') return false;
    throw error;
  }
  return true;
}

/** `keys delete NAME`: one OATH credential, after a confirmation at a terminal or with --yes. */
export async function deleteOathCredential(context: CliContext, cmd: Command, name: string, options: KeyAuthOptions): Promise<void> {
  const { io } = context;
  const connection = context.connect(cmd);
  const { client, globals } = connection;
  if (!globals.yes) {
    if (!io.interactive) throw new UsageError(`deleting "${name}" from the key can't be undone: add --yes, or run in a terminal to confirm`);
    const answer = await io.prompt(`Delete "${name}" from the key (its secret can't be read back)? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'the key was not changed');
  }
  const auth: Auth = {
    ...(options.keyPinFile === undefined ? {} : { pin: readPasswordFile(options.keyPinFile) }),
    ...(options.keyPasswordFile === undefined ? {} : { password: readPasswordFile(options.keyPasswordFile) }),
  };
  const remove = () => client.call('keys.deleteCredential', { ...serialOption(globals.key), auth, name });
  // A YubiKey whose password is sealed in the vault opens once the vault is.
  const reply = await remove().catch(async (error: unknown) => {
    if (error instanceof LatchkeyError && error.code === 'KEY_PIN_REQUIRED' && auth.password === undefined && (await unlockedVault(connection, io.env))) return remove();
    throw error;
  });
  printResult(io, globals.json, reply, () => `Deleted ${reply.deleted.name} from ${oathKeyName(reply.key)}.`);
}

function wholeNumber(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} takes a whole number of unix seconds`);
  return Number(value);
}

function definedOnly<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: string };
}
