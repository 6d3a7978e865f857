import { useState, type SyntheticEvent } from 'react';
import type { ReplyOf } from '../../../shared/api.js';
import { accountListing } from '../data/accounts.js';
import { useMutation, useQuery } from '../data/hooks.js';
import { programChallengeSlot, programHotpSlot } from '../data/keys-manage.js';
import { useLongOperation } from '../data/operation.js';
import { vaultSlots } from '../data/vault-settings.js';
import { OperationProgress } from '../ui/Progress.js';
import { GeneratedKeyShown } from './GeneratedKeyShown.js';
import { KeyWriteError } from './KeyWriteError.js';
import { VaultPasswordAgain } from './VaultPasswordAgain.js';
import './keys-manage.css';

type SlotStatus = ReplyOf<'keys.status'>['slots'][number];
type Kind = 'hotp' | 'challenge-response';
type Outcome = { readonly kind: 'hotp'; readonly text: string } | { readonly kind: 'generated'; readonly keyHex: string } | { readonly kind: 'challenge-response'; readonly text: string };

const PRESS: Record<1 | 2, string> = { 1: 'a short press', 2: 'a long press' };

/** What a programmed slot holds that a new write destroys, in words (a slot can't be read back). */
function whatIsLost(slot: SlotStatus): string {
  const written = slot.written;
  if (written?.kind === 'hotp') {
    const account = written.account === undefined ? 'an account no longer in the vault' : `${written.account.issuer} ${written.account.label}`;
    return `It types the HOTP codes of ${account}; they stop coming from this key.`;
  }
  if (written?.kind === 'challenge-response') {
    return 'It holds a challenge-response key: whatever relies on it (a disk, a password manager) no longer opens with this key, unless another key holds the same secret.';
  }
  if (slot.slot === 1) return 'Latchkey did not write it. On a new YubiKey it holds Yubico’s factory OTP credential, which nobody, not even Yubico, can put back.';
  return 'Latchkey did not write it, and its secret can’t be read back: whatever it was is gone for good.';
}

/**
 * Programs one OTP slot: a vault HOTP account (the vault password again: its secret goes onto the key)
 * or challenge-response with a key main generates, shown here once. A programmed slot is replaced only
 * after the user ticks that they accept what is lost, and with the vault password typed again (a HOTP
 * account's copy asks for it anyway); main asks again (KEY_CREDENTIAL_EXISTS) when the key could not
 * say whether the slot was programmed.
 */
export function ProgramSlot({ serial, slot, onClose, onTried }: { serial: number; slot: SlotStatus; onClose: () => void; onTried: () => void }) {
  const [kind, setKind] = useState<Kind>('hotp');
  const [accountId, setAccountId] = useState('');
  const [touch, setTouch] = useState(false);
  const [vaultPassword, setVaultPassword] = useState('');
  const [replaceAccepted, setReplaceAccepted] = useState(false);
  // Main's own warning, when the page believed the slot empty (old firmware can't say) and it was not.
  const [mainWarning, setMainWarning] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const mutations = useMutation();
  const operation = useLongOperation();
  const accounts = useQuery(accountListing, undefined);
  const vaultWays = useQuery(vaultSlots, undefined);

  const hotpAccounts = (accounts.data?.accounts ?? []).filter((account) => account.type === 'hotp');
  const chosenAccount = hotpAccounts.find((account) => account.id === accountId) ?? hotpAccounts[0];
  const programmed = slot.configured === true || mainWarning !== undefined;
  const unlocksVault = vaultWays.data?.slots.some((way) => way.key?.serial === serial && way.key.slot === slot.slot) === true;
  const slotName = `slot ${String(slot.slot)}`;

  async function program(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const typed = vaultPassword;
    setVaultPassword('');
    const overwrite = programmed && replaceAccepted;
    if (kind === 'hotp') {
      if (chosenAccount === undefined) return;
      const result = await operation.run('Checking the vault password…', (opId) =>
        mutations.run(programHotpSlot, { serial, slot: slot.slot, accountId: chosenAccount.id, vaultPassword: typed, overwrite, opId }),
      );
      // Read again whatever happened: a write cut short may or may not have reached the key.
      onTried();
      if (!result.ok) {
        noteRefusal(result.error.code, result.error.text);
        return;
      }
      setOutcome({ kind: 'hotp', text: `Slot ${String(slot.slot)} now types the codes of ${chosenAccount.issuer} ${chosenAccount.label} on ${PRESS[slot.slot]}, from counter ${result.value.counter ?? '?'}. The key and the vault share that counter: the site accepts codes from either.` });
      return;
    }
    const result = await operation.run(overwrite ? 'Checking the vault password…' : 'Programming the slot…', (opId) =>
      mutations.run(programChallengeSlot, { serial, slot: slot.slot, touch, overwrite, ...(overwrite ? { vaultPassword: typed } : {}), opId }),
    );
    onTried();
    if (!result.ok) {
      noteRefusal(result.error.code, result.error.text);
      return;
    }
    const keyHex = result.value.generatedKeyHex;
    setOutcome(keyHex === undefined ? { kind: 'challenge-response', text: `Slot ${String(slot.slot)} answers challenges${touch ? ' after a touch' : ''}.` } : { kind: 'generated', keyHex });
  }

  /** KEY_CREDENTIAL_EXISTS: the slot was programmed after all; its warning is shown and a tick asked for. */
  function noteRefusal(code: string | undefined, text: string) {
    if (code === 'KEY_CREDENTIAL_EXISTS') {
      setMainWarning(text);
      setReplaceAccepted(false);
      mutations.clearError();
    }
  }

  if (outcome?.kind === 'generated') {
    return (
      <section className="key-form" aria-label={`Program ${slotName}`}>
        <GeneratedKeyShown keyHex={outcome.keyHex} slot={slot.slot} touch={touch} onDone={onClose} />
      </section>
    );
  }
  if (outcome !== undefined) {
    return (
      <section className="key-form stack wide" aria-label={`Program ${slotName}`}>
        <p role="status" data-testid="slot-programmed">
          {outcome.text}
        </p>
        <div className="row">
          <button type="button" className="primary" onClick={onClose}>
            Done
          </button>
        </div>
      </section>
    );
  }

  // The vault password: a HOTP account's secret leaves the vault; a programmed slot's is lost for good.
  const asksVaultPassword = (kind === 'hotp' && hotpAccounts.length > 0) || (kind === 'challenge-response' && programmed);
  const ready = (kind === 'challenge-response' || chosenAccount !== undefined) && (!asksVaultPassword || vaultPassword !== '') && (!programmed || replaceAccepted);
  return (
    <form className="key-form stack wide" aria-label={`Program ${slotName}`} onSubmit={(event) => void program(event)}>
      <h5>Program {slotName} ({PRESS[slot.slot]})</h5>
      <fieldset className="key-choice">
        <legend>It will</legend>
        <label className="check">
          <input type="radio" name={`kind-${String(slot.slot)}`} checked={kind === 'hotp'} onChange={() => { setKind('hotp'); }} />
          type a vault account’s HOTP codes
        </label>
        <label className="check">
          <input type="radio" name={`kind-${String(slot.slot)}`} checked={kind === 'challenge-response'} onChange={() => { setKind('challenge-response'); }} />
          answer challenges (HMAC-SHA1) with a new random key
        </label>
      </fieldset>
      {kind === 'hotp' ? (
        hotpAccounts.length === 0 ? (
          <p className="hint" data-testid="no-hotp-accounts">
            {accounts.data === undefined ? 'Reading the vault’s accounts…' : 'The vault has no HOTP account. A slot types HOTP codes; TOTP accounts go on the key’s OATH application instead.'}
          </p>
        ) : (
          <>
            <label>
              HOTP account
              <select value={chosenAccount?.id ?? ''} onChange={(e) => { setAccountId(e.target.value); }}>
                {hotpAccounts.map((account) => (
                  <option key={account.id} value={account.id}>
                    {account.issuer} {account.label}
                  </option>
                ))}
              </select>
            </label>
            <p className="hint">Its secret is copied onto the key (SHA1, 6 or 8 digits, counter a multiple of 16: the key says so otherwise).</p>
          </>
        )
      ) : (
        <>
          <label className="check">
            <input type="checkbox" checked={touch} onChange={(e) => { setTouch(e.target.checked); }} />
            Answer only after a touch
          </label>
          <p className="hint">Latchkey draws a 20-byte key and shows it to you once, to put on a backup key; it keeps no copy.</p>
        </>
      )}
      {programmed && (
        <div className="key-confirm stack wide" data-testid="slot-overwrite-warning">
          <p>
            <strong>Slot {slot.slot} is programmed.</strong> {mainWarning ?? whatIsLost(slot)}
          </p>
          {unlocksVault && <p>The vault’s password+YubiKey way in uses this slot: it stops working.</p>}
          <label className="check">
            <input type="checkbox" checked={replaceAccepted} onChange={(e) => { setReplaceAccepted(e.target.checked); }} />
            Replace what slot {slot.slot} holds
          </label>
        </div>
      )}
      {asksVaultPassword && <VaultPasswordAgain value={vaultPassword} onChange={setVaultPassword} />}
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      <KeyWriteError error={mutations.error} target="slot" />
      <div className="row">
        <button type="submit" className={programmed ? 'danger' : 'primary'} disabled={mutations.busy || !ready}>
          {programmed ? `Replace ${slotName}` : `Program ${slotName}`}
        </button>
        <button type="button" onClick={onClose} disabled={mutations.busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
