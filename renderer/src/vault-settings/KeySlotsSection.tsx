import { useState } from 'react';
import type { ReplyOf } from '../../../shared/api.js';
import { refreshQuery, useMutation, useQuery } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { addKeySlot, removeSlot, vaultSlots } from '../data/vault-settings.js';
import { PasswordAgain } from './PasswordAgain.js';
import { OperationOutcome } from '../ui/OperationOutcome.js';

type Slot = ReplyOf<'vault.slots'>['slots'][number];

const KIND_NAMES: Readonly<Record<string, string>> = {
  password: 'Password',
  'password+yubikey': 'Password and YubiKey',
  recovery: 'Recovery key',
  keyring: 'System keyring',
};

function describeSlot(slot: Slot): string {
  const kind = KIND_NAMES[slot.kind] ?? slot.kind;
  if (slot.key === undefined) return kind;
  const serial = slot.key.serial === null ? 'serial hidden' : `serial ${String(slot.key.serial)}`;
  return `${kind} (${serial}, slot ${String(slot.key.slot)})`;
}

/**
 * The ways into the vault: add a password+YubiKey slot (the key answers a challenge: a touch if its
 * slot wants one, shown with Cancel) or remove one; main refuses to remove the last way in and says why.
 */
export function KeySlotsSection() {
  const { data, error } = useQuery(vaultSlots, undefined);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Slot | undefined>();
  const [message, setMessage] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();

  async function add(password: string) {
    setMessage('');
    const result = await operation.run('Checking the password…', (opId) => mutations.run(addKeySlot, { password, opId }));
    if (!result.ok) return;
    setAdding(false);
    setMessage(`Added: ${describeSlot(result.value.slot)}. The password and that key now open the vault together.`);
    refreshQuery(vaultSlots, undefined);
  }

  async function remove(password: string) {
    if (removing === undefined) return;
    setMessage('');
    const result = await operation.run('Checking the password…', (opId) => mutations.run(removeSlot, { password, slotId: removing.id, opId }));
    if (!result.ok) return;
    setRemoving(undefined);
    setMessage(`Removed: ${describeSlot(result.value.removed)}.`);
    refreshQuery(vaultSlots, undefined);
  }

  return (
    <section className="section" aria-labelledby="key-slots-title">
      <h3 id="key-slots-title">Ways into the vault</h3>
      <ul className="slot-list" data-testid="slot-list">
        {(data?.slots ?? []).map((slot) => (
          <li key={slot.id}>
            <span>{describeSlot(slot)}</span>
            {slot.kind !== 'recovery' && (
              <button type="button" className="small" disabled={mutations.busy} onClick={() => { setAdding(false); setRemoving(slot); }}>
                Remove…
              </button>
            )}
          </li>
        ))}
      </ul>
      {removing !== undefined && (
        <PasswordAgain action={`Remove ${KIND_NAMES[removing.kind] ?? removing.kind}`} danger busy={mutations.busy} onConfirm={remove} testId="remove-slot-form">
          <p className="hint">
            After this, <strong>{describeSlot(removing)}</strong> no longer opens the vault. The last way in can't be removed.
          </p>
        </PasswordAgain>
      )}
      {adding ? (
        <PasswordAgain action="Add the plugged-in YubiKey" busy={mutations.busy} onConfirm={add} testId="add-key-slot-form">
          <p className="hint">
            Plug in a YubiKey with a challenge-response slot (slot 2, else 1). The vault will then also open with the password and that key; touch it when asked.
          </p>
        </PasswordAgain>
      ) : (
        <div className="row">
          <button type="button" disabled={mutations.busy} onClick={() => { setRemoving(undefined); setAdding(true); }}>
            Add a password + YubiKey slot…
          </button>
        </div>
      )}
      <OperationOutcome operation={operation} message={message} error={mutations.error ?? error} />
    </section>
  );
}
