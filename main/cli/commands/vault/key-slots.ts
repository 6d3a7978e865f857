import type { Command } from 'commander';
import type { LatchkeyClient } from '../../../../shared/client.js';
import { LatchkeyError, UsageError } from '../../../../shared/errors.js';
import type { ReplyOf } from '../../../../shared/api.js';
import type { CliContext, Connection } from '../../context.js';
import type { CliIo } from '../../io.js';
import { printResult } from '../../output.js';
import { parseSlot, serialOption } from '../keys/keys-input.js';

type SlotView = ReplyOf<'vault.slots'>['slots'][number];

const RECOVERY_NOTE =
  'If this YubiKey is lost or broken, the recovery key still opens the vault (--recovery-key-file FILE, or Enter at the password prompt); keep it offline.';
const NO_RECOVERY_NOTE = "This vault has no recovery key: issue one with 'latchkey vault recovery-key' before relying on the YubiKey alone.";
const PLAIN_SLOT_NOTE =
  "The plain password slot still opens the vault without the key; remove it with 'latchkey vault remove-slot --kind password' (or add-key-slot --remove-password-slot) once every key you want is added.";

/** Which key answers a password+YubiKey slot ('' for other slots). */
export function keyWords(slot: SlotView): string {
  if (slot.key === undefined) return '';
  return `YubiKey ${slot.key.serial === null ? 'without a visible serial' : String(slot.key.serial)}, slot ${String(slot.key.slot)}`;
}

export function describeSlot(slot: SlotView): string {
  return slot.key === undefined ? slot.kind : `${slot.kind} (${keyWords(slot)})`;
}

export function registerKeySlotCommands(vault: Command, context: CliContext): void {
  const { io } = context;

  vault
    .command('add-key-slot')
    .summary('let a YubiKey guard the password: a password+YubiKey slot (README "Unlock with a YubiKey")')
    .option('--slot <n>', "the key's challenge-response slot, 1 or 2 (default: 2, then 1)", parseSlot)
    .option('--remove-password-slot', 'remove the plain password slot too: then the password alone no longer opens the vault', false)
    .addHelpText(
      'after',
      `
The key needs an HMAC-SHA1 challenge-response slot (latchkey keys program 2 --challenge-response
--generate). The vault password is asked for again; the key is asked once (touch it if its slot
wants a touch). The response is mixed into the password's key: the key never opens the vault alone.
Until the plain password slot is removed, the password alone still opens the vault. The recovery
key always does: losing the key never loses the vault. With several keys plugged in, --key SERIAL.
At a terminal, a backup key and the removal of the plain password slot are offered.

Examples:
  $ latchkey vault add-key-slot
  $ latchkey vault add-key-slot --key 12345678 --remove-password-slot --password-file pw.txt`,
    )
    .action(async (options: { slot?: 1 | 2; removePasswordSlot: boolean }, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock({ offer: 'password' });
      const { client, globals } = connection;
      const password = await connection.vaultPassword();
      const request = { password, ...serialOption(globals.key), ...(options.slot === undefined ? {} : { slot: options.slot }) };
      let added = await client.call('vault.addKeySlot', { ...request, removePasswordSlot: options.removePasswordSlot });
      const conversation = io.interactive && !globals.json && !options.removePasswordSlot;
      if (conversation) {
        io.writeErr(`latchkey: added ${describeSlot(added.slot)}.\n`);
        added = await offerBackupKey(io, client, password, added);
        const removed = await offerPasswordSlotRemoval(io, connection, added.slots);
        if (removed !== undefined) added = { ...added, passwordSlotRemoved: true, slots: removed };
      }
      printResult(io, globals.json, added, () =>
        [
          conversation ? undefined : `Added ${describeSlot(added.slot)}.`,
          added.passwordSlotRemoved ? 'The plain password slot was removed: the vault now opens with the password and the key.' : undefined,
          added.slots.some((slot) => slot.kind === 'password') ? PLAIN_SLOT_NOTE : undefined,
          added.recoverySlot ? RECOVERY_NOTE : NO_RECOVERY_NOTE,
        ]
          .filter((line) => line !== undefined)
          .join('\n'),
      );
    });

  vault
    .command('remove-slot')
    .summary('remove a key slot, by id or by kind (never the last way in)')
    .argument('[id]', 'the slot id, as `latchkey vault slots` shows it')
    .option('--kind <kind>', 'the one slot of this kind: password, password+yubikey (with --key SERIAL when there are several), recovery, keyring')
    .addHelpText(
      'after',
      `
Asks for confirmation at a terminal; elsewhere --yes is required. The vault password is asked for
again (and a touch of a key, on a vault whose password alone opens nothing). Refused (USAGE) when
it would leave no password slot, or a vault opened only by password+YubiKey with no recovery key.

Examples:
  $ latchkey vault remove-slot --kind password --yes
  $ latchkey vault remove-slot --kind password+yubikey --key 12345678 --yes
  $ latchkey vault remove-slot 0123456789abcdef0123456789abcdef --yes`,
    )
    .action(async (id: string | undefined, options: { kind?: string }, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock({ offer: 'password' });
      const { client, globals } = connection;
      const { slots } = await client.call('vault.slots', {});
      const slot = pickSlot(slots, id, options.kind, serialOption(globals.key).serial);
      if (!globals.yes) {
        if (!io.interactive) throw new UsageError('removing a key slot needs confirmation: add --yes');
        const answer = await io.prompt(`Remove the ${describeSlot(slot)} slot ${slot.id}? [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'no slot was removed');
      }
      const result = await client.call('vault.removeSlot', { password: await connection.vaultPassword(), slotId: slot.id });
      printResult(io, globals.json, result, () => `Removed the ${describeSlot(result.removed)} slot ${result.removed.id}.`);
    });
}

/** The slot a remove-slot command means: by id, or the one of a kind (narrowed by the key's serial). */
export function pickSlot(slots: readonly SlotView[], id: string | undefined, kind: string | undefined, serial: number | undefined): SlotView {
  if (id !== undefined && kind !== undefined) throw new UsageError('give a slot id or --kind, not both');
  if (id !== undefined) {
    const found = slots.find((slot) => slot.id === id.toLowerCase());
    if (found === undefined) throw new LatchkeyError('NOT_FOUND', `no key slot ${id} in this vault (see \`latchkey vault slots\`)`);
    return found;
  }
  if (kind === undefined) throw new UsageError('say which slot: its id, or --kind KIND');
  const matching = slots.filter((slot) => slot.kind === kind && (serial === undefined || slot.key?.serial === serial));
  const [only] = matching;
  if (only === undefined) throw new LatchkeyError('NOT_FOUND', `no ${kind} slot${serial === undefined ? '' : ` for the key with serial ${String(serial)}`} in this vault (see \`latchkey vault slots\`)`);
  if (matching.length > 1) {
    throw new LatchkeyError('AMBIGUOUS', `${String(matching.length)} ${kind} slots: say which by id (${matching.map((slot) => slot.id).join(', ')})${kind === 'password+yubikey' ? ' or with --key SERIAL' : ''}`, {
      slots: matching.length,
    });
  }
  return only;
}

/**
 * A second key for when the first is lost: offered while the plain password slot still lets the
 * password alone pass the re-authentication (afterwards both keys must be plugged in).
 */
async function offerBackupKey(io: CliIo, client: LatchkeyClient, password: string, added: ReplyOf<'vault.addKeySlot'>): Promise<ReplyOf<'vault.addKeySlot'>> {
  let latest = added;
  for (;;) {
    const answer = await io.prompt('Add a backup YubiKey too? Plug it in beside this one, then answer y [y/N] ');
    if (!/^y(es)?$/i.test(answer.trim())) return latest;
    const enrolled = new Set(latest.slots.flatMap((slot) => (slot.key?.serial == null ? [] : [slot.key.serial])));
    const { keys } = await client.call('keys.list', {});
    const fresh = keys.filter((key) => key.serial !== null && !enrolled.has(key.serial));
    const [backup] = fresh;
    if (backup?.serial == null || fresh.length > 1) {
      io.writeErr(`latchkey: ${fresh.length === 0 ? 'no other YubiKey is plugged in' : 'several new YubiKeys are plugged in; add each with --key SERIAL'}.\n`);
      continue;
    }
    try {
      latest = await client.call('vault.addKeySlot', { password, serial: backup.serial, removePasswordSlot: false });
      io.writeErr(`latchkey: added ${describeSlot(latest.slot)}.\n`);
    } catch (error) {
      if (!(error instanceof LatchkeyError)) throw error;
      io.writeErr(`latchkey: the backup key was not added: ${error.message}\n`);
    }
  }
}

/** Without removing the plain password slot, the key protects nothing: ask. The new slot list, or undefined when kept. */
async function offerPasswordSlotRemoval(io: CliIo, connection: Connection, slots: readonly SlotView[]): Promise<SlotView[] | undefined> {
  const plain = slots.filter((slot) => slot.kind === 'password');
  if (plain.length === 0) return undefined;
  const answer = await io.prompt('Remove the plain password slot, so the password alone no longer opens the vault? [y/N] ');
  if (!/^y(es)?$/i.test(answer.trim())) return undefined;
  let latest: SlotView[] | undefined;
  for (const slot of plain) {
    try {
      latest = (await connection.client.call('vault.removeSlot', { password: await connection.vaultPassword(), slotId: slot.id })).slots;
    } catch (error) {
      if (!(error instanceof LatchkeyError)) throw error;
      io.writeErr(`latchkey: the plain password slot was kept: ${error.message}\n`);
      return undefined;
    }
  }
  return latest;
}
