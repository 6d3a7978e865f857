import { useState, type ReactNode } from 'react';
import type { OathCredentialView } from '../../../shared/keys-api.js';
import { useMutation } from '../data/hooks.js';
import { calculateOnKey } from '../data/keys.js';
import { useLongOperation } from '../data/operation.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { OperationProgress } from '../ui/Progress.js';

/** How keys.calculate's query names one credential: its issuer and label, as `code QUERY` matches them exactly. */
function queryFor(credential: OathCredentialView): string {
  return credential.issuer === null ? credential.label : `${credential.issuer}:${credential.label}`;
}

const NOT_COMPUTED: Record<'hotp' | 'touch' | 'pin', string> = {
  hotp: 'another account on the key has the same name: its code can’t be told apart here',
  touch: 'another account on the key has the same name: its code can’t be told apart here',
  pin: 'the key wants its PIN for this account',
};

/**
 * One credential on the key and its code, computed by the key on request. A touch credential shows
 * main's "Touch your key…" with Cancel while the key waits for its button. `pin`: a Nitrokey 3's
 * PIN, entered on its card, which the key wants before it computes a PIN-protected account's code.
 */
export function OnKeyCode({ serial, credential, children, pin }: { serial: number; credential: OathCredentialView; children?: ReactNode; pin?: string }) {
  const mutations = useMutation();
  const operation = useLongOperation();
  const [shown, setShown] = useState<string | undefined>();
  const name = credential.issuer === null ? credential.label : `${credential.issuer} ${credential.label}`;

  async function compute() {
    setShown(undefined);
    const result = await operation.run('Asking the key…', (opId) => mutations.run(calculateOnKey, { serial, query: queryFor(credential), opId, ...(pin === undefined ? {} : { pin }) }));
    if (!result.ok) return;
    const match = result.value.matches.find((entry) => entry.credential.name === credential.name);
    if (match?.code === null || match?.code === undefined) setShown(NOT_COMPUTED[match?.notComputed ?? 'touch']);
    else setShown(match.code);
  }

  return (
    <li className="on-key-credential" aria-label={name}>
      <div className="row">
        <span className="on-key-name">
          <strong>{credential.issuer ?? credential.label}</strong>
          {credential.issuer !== null && <span className="hint">{credential.label}</span>}
          {credential.touch === true && <span className="chip">touch</span>}
          {credential.pinProtected === true && <span className="chip" title="Listed and computed only with the key’s PIN">PIN</span>}
        </span>
        <button type="button" className="small" disabled={mutations.busy} onClick={() => void compute()}>
          Show code
        </button>
      </div>
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      {shown !== undefined && (
        <output className="on-key-code" data-testid="on-key-code">
          {shown}
        </output>
      )}
      <ErrorAlert error={mutations.error} />
      {children}
    </li>
  );
}
