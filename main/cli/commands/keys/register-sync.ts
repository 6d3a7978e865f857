import type { Command } from 'commander';
import type { ReplyOf, RequestOf } from '../../../../shared/api.js';
import { LatchkeyError, UsageError } from '../../../../shared/errors.js';
import type { CliContext, Connection } from '../../context.js';
import { NotedError } from '../../noted-error.js';
import { plural, printResult, printWarnings } from '../../output.js';
import { cancellable as cancelOnInterrupt } from '../../cancellable.js';
import { readSecretFile } from '../../credential-source.js';
import { parseSyncTarget, SYNC_TARGET_FORM, syncTargetId } from '../../../../shared/sync-target.js';

interface SyncOptions {
  readonly to?: string[];
  readonly dryRun: boolean;
  readonly spread?: string | true;
  readonly touch: boolean;
  readonly allowTouch: boolean;
  readonly hotpOnSeveralKeys: boolean;
  readonly choose?: string[];
  readonly keyPinFile?: string;
  readonly keyPasswordFile?: string;
}

type Plan = ReplyOf<'keys.syncPlan'>;
type Selection = Omit<RequestOf<'keys.syncPlan'>, 'opId'>;

const WRITES: ReadonlySet<string> = new Set(['add', 'overwrite', 'remove', 'rename']);
const willWrite = (action: Plan['actions'][number]) => WRITES.has(action.action) && (action.optIn !== true || action.chosen === true);

export function serialArgument(flag: string, value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > 0xffff_ffff) throw new UsageError(`${flag} takes a key's serial number (digits, as \`latchkey keys list\` shows it), not "${value}"`);
  return Number(value);
}

/** `--to 12345678` (the key's OATH accounts) or `--to 12345678/otp` (a YubiKey's OTP slots), as the service's target id. */
export function targetArgument(flag: string, value: string): string {
  const target = parseSyncTarget(value);
  if (target === null) throw new UsageError(`${flag} takes ${SYNC_TARGET_FORM}, not "${value}"`);
  return syncTargetId(target);
}

/** `--choose TARGET:NAME`: a proposed cell (a removal, a rename, an overwrite, a HOTP account held elsewhere) to apply too. */
function choiceArgument(value: string): { key: string; name: string } {
  const colon = value.indexOf(':');
  if (colon < 1) throw new UsageError(`--choose takes TARGET:NAME (the key as the plan's first column shows it, 12345678 or 12345678/otp, and the credential's name), not "${value}"`);
  return { key: targetArgument('--choose', value.slice(0, colon)), name: value.slice(colon + 1) };
}

/** The plan as a table: one line per key and credential, then the room on each key. */
export function planText(plan: Plan): string {
  const lines = plan.actions.map((action) => {
    const proposed = action.optIn === true && action.chosen !== true ? ' (proposed: --choose to apply)' : '';
    return `${action.target}  ${action.action.padEnd(11)} ${action.name}${action.from === undefined ? '' : ` (from ${action.from})`}${proposed}${action.reason === undefined ? '' : `  — ${action.reason}`}`;
  });
  const room = plan.room.map((key) => {
    const hidden = key.hiddenByPin === true ? `  (at most ${String(Math.max(0, key.capacity - key.held))} free: PIN-protected credentials are hidden without the PIN)` : '';
    return `key ${key.target}: ${key.hiddenByPin === true ? 'at least ' : ''}${String(key.held)} → ${String(key.after)} of ${String(key.capacity)}${key.fits ? '' : '  (does not fit)'}${hidden}`;
  });
  return [...lines, ...room].join('\n');
}

/**
 * The keys could not be looked at (PC/SC not running): which of the inventory's keys went unchecked
 * for drift, and why, with the fix the service gave. The inventory itself is printed as usual.
 */
function uncheckedWarnings(reply: ReplyOf<'keys.inventory'>): string[] {
  // A key seen now (a Nitrokey 3 over HID without pcscd) was checked.
  const held = reply.keys.filter((key) => key.lostAt === undefined && !reply.seen.some((seen) => String(seen) === String(key.serial))).map((key) => String(key.serial));
  const which = held.length === 0 ? (reply.seen.length === 0 ? 'no key was checked for drift' : 'keys other than those checked could not be looked for') : `drift not checked on ${held.length === 1 ? 'key' : 'keys'} ${held.join(', ')}`;
  return (reply.unavailable ?? []).map((why) => `${which}: ${why}`);
}

/**
 * `latchkey keys sync [QUERY] --to SERIAL… [--dry-run] [--spread [N]]`, `keys rebuild --from --to`
 * and `latchkey keys inventory`
 * (issue 17): the accounts QUERY matches (all without one) onto the chosen keys through one plan,
 * shown before anything is written and confirmed at a terminal (or with --yes).
 */
export function registerKeySync(keys: Command, context: CliContext): void {
  const { io } = context;
  const secretFile = (file: string) => readSecretFile(file, io);

  const cancellable = <T>(connection: Connection, call: (opId: string) => Promise<T>): Promise<T> => cancelOnInterrupt(io, connection.client, call);

  keys
    .command('sync')
    .summary("put vault accounts on one or more keys (OATH, a YubiKey's OTP slots) through one plan, each write verified")
    .argument('[query]', 'the accounts to put on the keys (part of the issuer or label; all without one)')
    .option('--to <target...>', "the keys, in your order: SERIAL for its OATH accounts, SERIAL/otp for a YubiKey's two OTP slots (HOTP only); with one OATH key plugged in, it may be left out")
    .option('--dry-run', 'show the plan only; nothing is written', false)
    .option('--spread [copies]', 'when the accounts do not fit, keep each on COPIES keys (default 2) where there is room, in your order')
    .option('--touch', 'new credentials ask for a touch before each code', false)
    .option('--allow-touch', 'compare touch-required credentials by their code too (each asks for a touch while planning)', false)
    .option('--hotp-on-several-keys', 'let a HOTP account go on more than one key (each copy counts its own codes)', false)
    .option('--choose <target:name...>', "apply a proposed cell too: a removal, a rename, an overwrite of a credential Latchkey did not write, a HOTP account another key already holds ('12345678/otp:slot 2' empties that slot)")
    .option('--key-pin-file <file>', 'the Nitrokey 3 PIN, from the file\'s first line ("-": standard input), for every key that has one')
    .option('--key-password-file <file>', 'the YubiKey OATH access password, from the file\'s first line ("-": standard input)')
    .addHelpText(
      'after',
      `
Each cell of the plan is add, overwrite, identical, key-only (on the key only: left as it is),
remove or rename (a deleted or renamed vault account: applied only with --choose), unsupported
(with the reason) or skip (a HOTP account goes on one key only; a spread puts it elsewhere).
A plan that does not fit a key writes nothing: use --spread. An unplug, a cancel or a crash is
resumed by running the same sync again.

A target is a key's serial (as \`keys list\` shows it) for its OATH accounts (YubiKey, Nitrokey 3),
or SERIAL/otp for a YubiKey's two OTP slots: HOTP accounts only (SHA1, 6 or 8 digits), each
programmed over HID from its vault counter; a TOTP account there is unsupported, with the reason. A
slot can't be read back, so it is compared by the vault's record of what Latchkey wrote; a slot
programmed outside Latchkey (slot 1's factory credential) is left as it is. SERIAL/oath means SERIAL.

With --json: { actions: [{ key, target, action, name, reason? }], room: [{ key, target, … }], fits,
warnings } (and applied: [{ key, target, name, action, check }] after writing); key is the serial,
target the id above (a YubiKey's OATH accounts and its OTP slots share the serial).

Examples:
  $ latchkey keys sync --to 12345678 23456789 --dry-run
  $ latchkey keys sync github --to 12345678 --yes
  $ latchkey keys sync bank --to 12345678/otp --yes       # a HOTP account into a free OTP slot
  $ latchkey keys sync --to 12345678 23456789 --spread --json --emulator yubikey-oath:a.json --emulator nitrokey3:b.json`,
    )
    .action(async (query: string | undefined, options: SyncOptions, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const keyAuth = {
        ...(options.keyPinFile === undefined ? {} : { pin: await secretFile(options.keyPinFile) }),
        ...(options.keyPasswordFile === undefined ? {} : { password: await secretFile(options.keyPasswordFile) }),
      };
      const copies = options.spread === undefined ? undefined : options.spread === true ? 2 : Number(options.spread);
      if (copies !== undefined && (!Number.isInteger(copies) || copies < 1)) throw new UsageError('--spread takes how many keys each account goes on (a whole number, at least 1)');
      const selection: Selection = {
        ...(query === undefined ? {} : { query }),
        ...(options.to === undefined ? {} : { keys: options.to.map((target) => targetArgument('--to', target)) }),
        ...(Object.keys(keyAuth).length === 0 ? {} : { auth: [keyAuth] }),
        ...(options.touch ? { touch: true } : {}),
        ...(copies === undefined ? {} : { spread: copies }),
        hotpOnSeveralKeys: options.hotpOnSeveralKeys,
        allowTouch: options.allowTouch,
        ...(options.choose === undefined ? {} : { choose: options.choose.map(choiceArgument) }),
      };
      await connection.unlock();
      const plan = await cancellable(connection, (opId) => client.call('keys.syncPlan', { ...selection, opId }));
      const writes = plan.actions.filter(willWrite);
      if (options.dryRun || writes.length === 0) {
        if (!globals.json) printWarnings(io, plan.warnings);
        printResult(io, globals.json, plan, () => `${planText(plan)}\n${writes.length === 0 ? 'Nothing to write.' : `${plural(writes.length, 'credential')} would be written.`}`);
        return;
      }
      if (!globals.json) io.writeErr(`${planText(plan)}\n`);
      printWarnings(io, plan.warnings);
      if (!plan.fits) throw new NotedError(new LatchkeyError('KEY_FULL', 'the chosen accounts do not fit on the chosen keys; nothing was written'), ['add --spread to spread them over the keys, or choose fewer']);
      if (!globals.yes) {
        if (!io.interactive) throw new NotedError(new LatchkeyError('CANCELLED', 'nothing was written'), ['add --yes to apply the plan, or --dry-run to only show it']);
        const answer = await io.prompt(`Write ${plural(writes.length, 'credential')}? [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'nothing was written');
      }
      const vaultPassword = await connection.vaultPassword();
      const reply = await cancellable(connection, (opId) => client.call('keys.syncApply', { ...selection, vaultPassword, opId }));
      printResult(io, globals.json, reply, () =>
        [...reply.applied.map((cell) => `${cell.target}  ${cell.action.padEnd(11)} ${cell.name}  ${cell.check}`), `${plural(reply.applied.length, 'credential')} written and checked.`].join('\n'),
      );
    });

  keys
    .command('rebuild')
    .summary("put a lost key's accounts onto a new key from the vault, then mark the old one lost")
    .requiredOption('--from <serial>', 'the lost key (as `keys inventory` shows it; it need not be plugged in)')
    .requiredOption('--to <target>', "the new key, plugged in (SERIAL/otp: a YubiKey's OTP slots, for the lost key's HOTP accounts)")
    .option('--dry-run', 'show the plan only; nothing is written', false)
    .option('--allow-touch', 'compare touch-required credentials already on the new key by their code (each asks for a touch)', false)
    .option('--key-pin-file <file>', 'the new key\'s Nitrokey 3 PIN, from the file\'s first line ("-": standard input)')
    .option('--key-password-file <file>', 'the new key\'s YubiKey OATH access password, from the file\'s first line ("-": standard input)')
    .addHelpText(
      'after',
      `
The lost key's inventory is planned onto the new key with the same names and touch flags, applied and
checked like a sync (an unplug or a cancel is resumed by running it again), and only then is the old
serial marked lost. Credentials whose account is no longer in the vault can't be rebuilt: they are
listed as impossible. With --json: { actions, room, fits, warnings, impossible: [{ name, accountId,
reason }], applied: [{ key, name, action, check }], lostAt? }.

Examples:
  $ latchkey keys rebuild --from 12345678 --to 23456789 --dry-run
  $ latchkey keys rebuild --from 12345678 --to 23456789 --yes`,
    )
    .action(async (options: { from: string; to: string; dryRun: boolean; allowTouch: boolean; keyPinFile?: string; keyPasswordFile?: string }, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const keyAuth = {
        ...(options.keyPinFile === undefined ? {} : { pin: await secretFile(options.keyPinFile) }),
        ...(options.keyPasswordFile === undefined ? {} : { password: await secretFile(options.keyPasswordFile) }),
      };
      const request = {
        from: serialArgument('--from', options.from),
        to: targetArgument('--to', options.to),
        ...(Object.keys(keyAuth).length === 0 ? {} : { auth: [keyAuth] }),
        allowTouch: options.allowTouch,
      };
      await connection.unlock();
      const plan = await cancellable(connection, (opId) => client.call('keys.rebuild', { ...request, dryRun: true, opId }));
      const impossible = plan.impossible.map((entry) => `can't rebuild ${entry.name}: ${entry.reason}`);
      const writes = plan.actions.filter(willWrite);
      if (options.dryRun) {
        if (!globals.json) printWarnings(io, [...plan.warnings, ...impossible]);
        printResult(io, globals.json, plan, () => `${planText(plan)}\n${plural(writes.length, 'credential')} would be written; key ${options.from} would be marked lost.`);
        return;
      }
      if (!globals.json) io.writeErr(`${planText(plan)}\n`);
      printWarnings(io, [...plan.warnings, ...impossible]);
      if (!plan.fits) throw new NotedError(new LatchkeyError('KEY_FULL', `the lost key's accounts do not fit on key ${options.to}; nothing was written`), ['rebuild onto a key with more room']);
      if (!globals.yes) {
        if (!io.interactive) throw new NotedError(new LatchkeyError('CANCELLED', 'nothing was written'), ['add --yes to apply the plan, or --dry-run to only show it']);
        const answer = await io.prompt(`Write ${plural(writes.length, 'credential')} and mark key ${options.from} lost? [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'nothing was written');
      }
      const vaultPassword = await connection.vaultPassword();
      const reply = await cancellable(connection, (opId) => client.call('keys.rebuild', { ...request, vaultPassword, opId }));
      printResult(io, globals.json, reply, () =>
        [
          ...reply.applied.map((cell) => `${cell.target}  ${cell.action.padEnd(11)} ${cell.name}  ${cell.check}`),
          `${plural(reply.applied.length, 'credential')} written and checked; key ${options.from} is marked lost.`,
        ].join('\n'),
      );
    });

  keys
    .command('inventory')
    .summary('which keys hold each account, and what differs on the keys plugged in (drift)')
    .option('--key-pin-file <file>', 'the Nitrokey 3 PIN, for its PIN-protected credentials')
    .option('--key-password-file <file>', 'the YubiKey OATH access password')
    .addHelpText('after', '\nWith --json: { keys, accounts: [{ accountId, issuer, label, keys, targets }], seen, drift: [{ key, name, change, detail }], unavailable? }; unavailable says why no key could be checked for drift (the PC/SC service not running), the inventory still shown, exit 0; targets also name the YubiKey OTP slots (SERIAL/otp) Latchkey programmed with each account.\n\nExamples:\n  $ latchkey keys inventory\n  $ latchkey keys inventory --json')
    .action(async (options: Pick<SyncOptions, 'keyPinFile' | 'keyPasswordFile'>, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const keyAuth = {
        ...(options.keyPinFile === undefined ? {} : { pin: await secretFile(options.keyPinFile) }),
        ...(options.keyPasswordFile === undefined ? {} : { password: await secretFile(options.keyPasswordFile) }),
      };
      await connection.unlock();
      const reply = await cancellable(connection, (opId) => client.call('keys.inventory', { ...(Object.keys(keyAuth).length === 0 ? {} : { auth: [keyAuth] }), opId }));
      printWarnings(io, uncheckedWarnings(reply));
      printResult(io, globals.json, reply, () =>
        [
          ...reply.accounts.map((account) => `${account.issuer === '' ? account.label : `${account.issuer}:${account.label}`}  ${account.targets.length === 0 ? '(on no key)' : account.targets.join(', ')}`),
          ...reply.drift.map((cell) => `drift on key ${String(cell.key)}: ${cell.name} ${cell.change} (${cell.detail})`),
        ].join('\n'),
      );
    });
}
