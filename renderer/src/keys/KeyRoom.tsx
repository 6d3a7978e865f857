import { useQuery } from '../data/hooks.js';
import { keyCredentials } from '../data/keys.js';
import { CredentialActions } from './CredentialActions.js';
import { KeyPasswordForm } from './KeyPasswordForm.js';
import { OnKeyCode } from './OnKeyCode.js';

/**
 * A YubiKey's OATH room (accounts held of the most it holds), as a row of the key's facts. Asked of
 * the key by serial: a key hiding its serial can't be told from another. A key whose access password
 * is set (and not remembered while the vault is unlocked) lists nothing until it is given: said so.
 * Not for a Nitrokey 3: without its PIN it lists only the accounts the PIN does not protect.
 */
export function KeyRoom({ serial }: { serial: number }) {
  const { data, error } = useQuery(keyCredentials, { serial });
  let room: string;
  if (error?.code === 'KEY_PIN_REQUIRED') room = 'locked by its access password';
  else if (error !== undefined) room = `can’t be read: ${error.text}`;
  else if (data === undefined) room = '…';
  else room = `${String(data.credentials.length)} of ${String(data.capacity)} used, ${String(Math.max(0, data.capacity - data.credentials.length))} free`;
  return (
    <>
      <dt>Room</dt>
      <dd data-testid="key-room" aria-busy={data === undefined && error === undefined}>
        {room}
      </dd>
    </>
  );
}

/**
 * The accounts on a YubiKey's OATH card (the same read as its room), each with its code on request;
 * the access password asked first when the card is locked.
 */
export function KeyAccounts({ serial }: { serial: number }) {
  const { data, error } = useQuery(keyCredentials, { serial });
  if (error?.code === 'KEY_PIN_REQUIRED') return <KeyPasswordForm serial={serial} />;
  if (data === undefined || data.credentials.length === 0) return null;
  return (
    <section className="key-section">
      <h4>Accounts on the key</h4>
      <ul className="on-key-list" aria-label="Accounts on this key">
        {data.credentials.map((credential) => (
          <OnKeyCode key={credential.name} serial={serial} credential={credential}>
            <CredentialActions serial={serial} credential={credential} />
          </OnKeyCode>
        ))}
      </ul>
    </section>
  );
}
