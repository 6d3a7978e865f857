import { useState, type SyntheticEvent } from 'react';
import type { ReplyOf } from '../../../shared/api.js';
import { refreshQuery, useMutation, useQuery, type Result } from '../data/hooks.js';
import { deleteSlot, keySlots, swapSlots } from '../data/keys.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { ProgramSlot } from './ProgramSlot.js';
import { VaultPasswordAgain } from './VaultPasswordAgain.js';

type SlotStatus = ReplyOf<'keys.status'>['slots'][number];
/** A change that waits for the user's yes: what it does, in words, and the call that does it. */
interface Pending {
  readonly question: string;
  readonly confirm: string;
  /** A deletion: the vault password typed again goes with it. */
  readonly needsVaultPassword: boolean;
  readonly run: (vaultPassword: string) => Promise<Result<unknown>>;
}

/** What a slot holds, as far as the key and Latchkey's record tell. */
function slotText(slot: SlotStatus): string {
  if (slot.configured === false) return 'empty';
  const written = slot.written;
  if (written === undefined) return slot.configured === true ? 'programmed (not recorded by Latchkey)' : 'unknown (old firmware)';
  const kind = written.kind === 'hotp' ? 'HOTP' : 'challenge-response';
  const account = written.account === undefined ? '' : ` for ${written.account.issuer} ${written.account.label}`;
  return `${kind}${account}${written.touch ? ', touch' : ''}`;
}

/**
 * A YubiKey's two OTP slots, each with Delete, and Swap: every change asks first, saying what is
 * lost (a deleted slot's secret, maybe Yubico's factory credential, can't be brought back).
 */
export function OtpSlots({ serial }: { serial: number }) {
  const { data, error } = useQuery(keySlots, { serial });
  const mutations = useMutation();
  const [pending, setPending] = useState<Pending | undefined>();
  const [programming, setProgramming] = useState<1 | 2 | undefined>();
  const [vaultPassword, setVaultPassword] = useState('');

  async function confirmPending(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    if (pending === undefined) return;
    const typed = vaultPassword;
    setVaultPassword('');
    const result = await pending.run(typed);
    // Read again whatever happened: a write cut short may or may not have reached the key.
    refreshQuery(keySlots, { serial });
    // A refusal (a wrong vault password, say) keeps the question open, its error under it.
    if (result.ok) setPending(undefined);
  }

  if (data === undefined) return error === undefined ? null : <ErrorAlert error={error} />;
  return (
    <section className="key-section otp-slots" aria-label="OTP slots">
      <h4>OTP slots</h4>
      <ul className="on-key-list">
        {data.slots.map((slot) => (
          <li key={slot.slot} className="row otp-slot" aria-label={`Slot ${String(slot.slot)}`}>
            <span className="on-key-name">
              <strong>Slot {slot.slot}</strong>
              <span className="hint" data-testid="slot-state">{slotText(slot)}</span>
            </span>
            <button type="button" className="small" disabled={mutations.busy} aria-expanded={programming === slot.slot} onClick={() => { setProgramming(slot.slot); }}>
              Program…
            </button>
            {slot.configured !== false && (
              <button
                type="button"
                className="small"
                disabled={mutations.busy}
                onClick={() => {
                  setPending({
                    question: `Delete slot ${String(slot.slot)}? Its secret is gone for good, whatever it was (maybe Yubico’s factory credential).`,
                    confirm: `Delete slot ${String(slot.slot)}`,
                    needsVaultPassword: true,
                    run: (typed) => mutations.run(deleteSlot, { serial, slot: slot.slot, vaultPassword: typed }),
                  });
                }}
              >
                Delete…
              </button>
            )}
          </li>
        ))}
      </ul>
      {data.slots
        .filter((slot) => slot.slot === programming)
        .map((slot) => (
          <ProgramSlot key={slot.slot} serial={serial} slot={slot} onClose={() => { setProgramming(undefined); }} onTried={() => { refreshQuery(keySlots, { serial }); }} />
        ))}
      <div className="row">
        <button
          type="button"
          className="small"
          disabled={mutations.busy}
          onClick={() => {
            setPending({
              question: 'Swap slots 1 and 2? A short press then gives what a long press gave; swapping again undoes it.',
              confirm: 'Swap the slots',
              needsVaultPassword: false,
              run: () => mutations.run(swapSlots, { serial }),
            });
          }}
        >
          Swap slots…
        </button>
      </div>
      {pending !== undefined && (
        <form role="alertdialog" aria-label={pending.confirm} className="key-confirm stack wide" onSubmit={(event) => void confirmPending(event)}>
          <p>{pending.question}</p>
          {pending.needsVaultPassword && <VaultPasswordAgain value={vaultPassword} onChange={setVaultPassword} disabled={mutations.busy} />}
          <div className="row">
            <button type="submit" className="danger" disabled={mutations.busy || (pending.needsVaultPassword && vaultPassword === '')}>
              {pending.confirm}
            </button>
            <button type="button" onClick={() => { setPending(undefined); setVaultPassword(''); mutations.clearError(); }}>
              Keep as it is
            </button>
          </div>
        </form>
      )}
      <ErrorAlert error={mutations.error} />
    </section>
  );
}
