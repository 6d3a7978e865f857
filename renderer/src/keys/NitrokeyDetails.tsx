import { useState } from 'react';
import type { ReplyOf } from '../../../shared/api.js';
import { refreshQuery } from '../data/hooks.js';
import { nitrokeyCredentials } from '../data/nitrokey.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { useForgetPinWhenHidden, useNitrokeyListing } from './nitrokey-pin-memory.js';
import { nitrokeyPinText, nitrokeyRoomText } from './nitrokey-text.js';
import { NitrokeyNewPin, NitrokeyPinEntry } from './NitrokeyPinForms.js';
import { OnKeyCode } from './OnKeyCode.js';
import './nitrokey.css';

type Listing = ReplyOf<'keys.credentials'>;

/** A Nitrokey 3's room (at most, while the PIN hides accounts) and PIN state, as rows of the key card's facts. */
export function NitrokeyFacts({ serial }: { serial: number }) {
  const { listing, reading, error, pin } = useNitrokeyListing(serial);
  // While a new PIN's read is under way, the last listing's words would be out of date: '…' instead.
  const shown = reading ? undefined : listing;
  return (
    <>
      <dt>Room</dt>
      <dd data-testid="key-room" aria-busy={shown === undefined && error === undefined}>
        {shown === undefined ? (error === undefined ? '…' : 'can’t be read') : nitrokeyRoomText(shown)}
      </dd>
      <dt>PIN</dt>
      <dd data-testid="key-pin">{shown === undefined ? '…' : nitrokeyPinText(shown, pin !== null)}</dd>
    </>
  );
}

/**
 * A Nitrokey 3's Secrets App under its key card's facts: the PIN's entry, set and change (a blocked
 * PIN said plainly), and the accounts on the key, each with its code computed by the key. The PIN
 * the key accepted is kept only while this card is shown, to list and compute the accounts it protects.
 */
export function NitrokeyDetails({ serial }: { serial: number }) {
  useForgetPinWhenHidden(serial);
  const { listing, reading, error, pin, setPin } = useNitrokeyListing(serial);
  if (listing === undefined) return <ErrorAlert error={error} />;
  // The PIN's forms wait for this read: what they would offer may have just changed.
  if (reading) {
    return (
      <p role="status" className="hint nk3-reading">
        Reading the key… Touch it if it blinks.
      </p>
    );
  }
  return <NitrokeyBody serial={serial} listing={listing} pin={pin} onPin={setPin} />;
}

function NitrokeyBody({ serial, listing, pin, onPin }: { serial: number; listing: Listing; pin: string | null; onPin: (pin: string | null) => void }) {
  return (
    <>
      <NitrokeyPinSection serial={serial} listing={listing} pin={pin} onPin={onPin} />
      <section className="key-section" aria-label="Accounts on the key">
        <h4>Accounts on the key</h4>
        {listing.credentials.length > 0 && (
          <ul className="on-key-list" aria-label="Accounts on this key">
            {listing.credentials.map((credential) => (
              <OnKeyCode key={credential.name} serial={serial} credential={credential} {...(pin === null ? {} : { pin })} />
            ))}
          </ul>
        )}
        {listing.hiddenByPin === true ? (
          <p className="hint" data-testid="hidden-by-pin">
            {listing.pin?.attemptsRemaining === 0 ? 'Accounts protected by the PIN can’t be shown while it is blocked.' : 'Accounts protected by the PIN show once it is entered.'}
          </p>
        ) : (
          listing.credentials.length === 0 && <p className="hint">None yet.</p>
        )}
      </section>
    </>
  );
}

/** What can be done with the PIN now: set one, enter it, change it; or, blocked, why nothing can. */
function NitrokeyPinSection({ serial, listing, pin, onPin }: { serial: number; listing: Listing; pin: string | null; onPin: (pin: string | null) => void }) {
  const [editing, setEditing] = useState(false);
  const state = listing.pin;
  if (state === undefined) return null;
  // A refused PIN changed the attempts left on the key: the PIN row is read again.
  const refused = () => {
    refreshQuery(nitrokeyCredentials, { serial, pin });
  };
  const done = (next: string) => {
    setEditing(false);
    onPin(next);
  };
  let body;
  if (state.set && state.attemptsRemaining === 0) {
    body = (
      <p role="status" className="nk3-blocked">
        The PIN is blocked after too many wrong tries. Only a reset, which erases every account on the key, makes it usable again.
      </p>
    );
  } else if (editing) {
    body = <NitrokeyNewPin serial={serial} current={state.set ? pin ?? '' : null} onDone={done} onRefused={refused} onCancel={() => { setEditing(false); }} />;
  } else if (!state.set) {
    body = (
      <>
        <p className="hint">No PIN is set: the accounts on this key give their codes to anyone holding it.</p>
        <div className="row">
          <button type="button" onClick={() => { setEditing(true); }}>
            Set a PIN…
          </button>
        </div>
      </>
    );
  } else if (pin === null) {
    body = <NitrokeyPinEntry serial={serial} onEntered={onPin} onRefused={refused} />;
  } else {
    body = (
      <div className="row nk3-pin-actions">
        <button type="button" onClick={() => { setEditing(true); }}>
          Change the PIN…
        </button>
        <button type="button" onClick={() => { onPin(null); }}>
          Forget the PIN
        </button>
      </div>
    );
  }
  return (
    <section className="key-section" aria-label="PIN">
      <h4>PIN</h4>
      {body}
    </section>
  );
}
