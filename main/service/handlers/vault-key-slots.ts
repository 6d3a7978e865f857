import { LatchkeyError } from '../../../shared/errors.js';
import type { HandlersFor } from '../handler-types.js';
import { afterReauth } from '../reauth.js';
import type { VaultHost } from '../vault-host.js';

type KeySlotChannel = 'vault.addKeySlot' | 'vault.removeSlot';

const PROGRAM_HINT = 'program one first, e.g. `latchkey keys program 2 --challenge-response --generate`';

/**
 * Password+YubiKey slots (SECURITY-NOTES §1): adding one on the key the user means, and removing any
 * slot but the last way in. Both check the vault password again first (a touch too, on a vault whose
 * password alone opens nothing).
 */
export function vaultKeySlotHandlers(host: VaultHost): HandlersFor<KeySlotChannel> {
  return {
    'vault.addKeySlot': ({ password, serial, slot, removePasswordSlot }, operation) =>
      host.serialized(async () => {
        const session = host.session();
        const keyChoice = { ...(serial === undefined ? {} : { serial }), ...(slot === undefined ? {} : { slot }) };
        const newKey = host.yubikey(operation, keyChoice);
        if (newKey === undefined) throw new LatchkeyError('KEY_NOT_FOUND', 'security keys are not available here');
        await assertOneKey(host, serial);
        let added: { slotId: string; passwordSlotRemoved: boolean } | undefined;
        // The first slot of that key that may do challenge-response (2, then 1), or the one asked for.
        try {
          for await (const answerer of newKey.answerers()) {
            added = await session.addYubiKeySlot({ password, answerer, removePasswordSlot, ...optional('yubikey', host.yubikey(operation)) });
            break;
          }
        } catch (error) {
          throw explainKeyOnlyReauth(error, session.slots());
        }
        if (added === undefined) {
          const key = serial === undefined ? 'the key' : `the key with serial ${String(serial)} (if it is plugged in)`;
          const which = slot === undefined ? `no slot of ${key} is` : `slot ${String(slot)} of ${key} is not`;
          throw new LatchkeyError('NOT_FOUND', `${which} set up for HMAC-SHA1 challenge-response: ${PROGRAM_HINT}`);
        }
        const slots = session.slots();
        const view = slots.find((info) => info.id === added.slotId);
        if (view === undefined) throw new Error('the added slot is not listed');
        return { slot: view, passwordSlotRemoved: added.passwordSlotRemoved, recoverySlot: slots.some((info) => info.kind === 'recovery'), slots };
      }),
    'vault.removeSlot': ({ password, slotId }, operation) => {
      // A refusal (the last way in) comes before the password and the touch are asked.
      host.session().removableSlot(slotId);
      return afterReauth(
        host,
        password,
        (session) => {
          const removed = session.removeSlot(slotId);
          return { removed, slots: session.slots() };
        },
        operation,
      );
    },
  };
}

/**
 * On a vault that opens only with the password and a key, the password check needs an enrolled key
 * too: a new key plugged in alone looks like a wrong key. Said so (the attempt was counted, as any).
 */
function explainKeyOnlyReauth(error: unknown, slots: readonly { readonly kind: string }[]): unknown {
  if (!(error instanceof LatchkeyError) || error.code !== 'VAULT_WRONG_PASSWORD' || slots.some((slot) => slot.kind === 'password')) return error;
  return new LatchkeyError('VAULT_WRONG_PASSWORD', `${error.message}; this vault opens only with its password and an enrolled key, so plug one in beside the new key`, error.details);
}

/** Several keys and no serial: AMBIGUOUS naming how many, so `--key SERIAL` can be given; none at all: KEY_NOT_FOUND. */
async function assertOneKey(host: VaultHost, serial: number | undefined): Promise<void> {
  const keys = host.keyDevices === undefined ? [] : await (await host.keyDevices()).yubiKeyOtp();
  if (keys.length === 0) throw new LatchkeyError('KEY_NOT_FOUND', 'no YubiKey is plugged in (or the system does not show it)');
  if (serial === undefined && keys.length > 1) {
    throw new LatchkeyError('AMBIGUOUS', `${String(keys.length)} YubiKeys are plugged in; say which one gets the slot with --key SERIAL (\`latchkey keys list\` shows them)`, { keys: keys.length });
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
