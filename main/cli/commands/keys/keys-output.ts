import type { ReplyOf } from '../../../../shared/api.js';
import type { KeySummary } from '../../../../shared/keys-api.js';
import { accountName } from '../../output.js';

/** `YubiKey 12345678 (firmware 5.4.3, emulated)`: how a key is named in every line about it. */
export function keyName(key: KeySummary): string {
  const serial = key.serial === null ? '(serial hidden)' : String(key.serial);
  return `YubiKey ${serial} (firmware ${key.firmware}${key.emulated ? ', emulated' : ''})`;
}

export function keyListText(keys: readonly (KeySummary & { readonly applications?: readonly string[] })[]): string {
  if (keys.length === 0) return 'No security key is plugged in.';
  return keys
    .map((key) => `${key.kind}  ${key.serial === null ? '-' : String(key.serial)}  ${key.kind === 'nitrokey3' ? 'secrets app' : 'firmware'} ${key.firmware}${key.applications === undefined ? '' : `  ${key.applications.join('+')}`}${key.emulated ? '  emulated' : ''}`)
    .join('\n');
}

type Status = ReplyOf<'keys.status'>;
type SlotStatus = Status['slots'][number];

export function keyStatusText(status: Status): string {
  const lines = [keyName(status.key), `programming sequence: ${String(status.pgmSeq)}`, ...status.slots.map(slotLine)];
  if (!status.recordRead) lines.push("(no vault: what Latchkey wrote to the slots is kept in the vault's record)");
  return lines.join('\n');
}

function slotLine(slot: SlotStatus): string {
  const state = slot.configured === null ? 'unknown (firmware too old to say)' : slot.configured ? `programmed${slot.touchTriggered === true ? ', types on touch' : ''}` : 'empty';
  return `slot ${String(slot.slot)}: ${state}${slot.written === undefined ? '' : `; ${writtenText(slot.written, slot.configured === false)}`}`;
}

function writtenText(written: NonNullable<SlotStatus['written']>, emptyNow: boolean): string {
  const when = new Date(written.writtenAt * 1000).toISOString().slice(0, 10);
  const what =
    written.kind === 'hotp'
      ? `HOTP for ${written.account === undefined ? 'an account no longer in the vault' : accountName(written.account)}`
      : `HMAC-SHA1 challenge-response${written.touch ? ' (touch)' : ''}`;
  // The key says empty where we wrote: it was changed by something else since (ykman, another computer).
  return `Latchkey wrote ${what} on ${when}${emptyNow ? ' (changed since by other software)' : ''}`;
}
