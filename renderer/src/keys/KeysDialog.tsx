import type { PanelProps } from '../app/panel-props.js';
import { useQuery } from '../data/hooks.js';
import { keyList } from '../data/keys.js';
import { Dialog } from '../ui/Dialog.js';
import { KeyAccessProblem } from './KeyAccessProblem.js';
import { KeyCard } from './KeyCard.js';
import { useKeyWatch } from './useKeyWatch.js';
import './keys.css';

/**
 * The keys panel (issue 18): the security keys plugged in, kept live while it is open. Main watches
 * for keys only while a panel holds its watch (useKeyWatch), so a closed panel costs nothing.
 */
export function KeysDialog({ close, switchTo }: PanelProps) {
  useKeyWatch();
  return (
    <Dialog title="Security keys" onClose={close} wide>
      <DetectedKeys />
      <div className="row">
        <button type="button" onClick={() => { switchTo('sync'); }}>
          Sync accounts to keys…
        </button>
      </div>
    </Dialog>
  );
}

/** The list of keys, or why none could be looked for, with the fix. */
function DetectedKeys() {
  const { data, error, refresh } = useQuery(keyList, undefined);
  if (data === undefined) {
    return error === undefined ? (
      <p aria-busy="true" className="hint">
        Looking for keys…
      </p>
    ) : (
      <KeyAccessProblem error={error} onRetry={refresh} />
    );
  }
  return (
    <div className="stack wide">
      {data.unavailable?.map((reason) => (
        <p key={reason} role="status" className="key-unavailable">
          Some keys can’t be looked for: {reason}
        </p>
      ))}
      {data.keys.length === 0 ? (
        <p className="hint" data-testid="no-keys">
          No key found. Plug in a YubiKey or a Nitrokey 3; it shows up here.
        </p>
      ) : (
        <ul className="key-list" aria-label="Keys found">
          {data.keys.map((key) => (
            <KeyCard key={`${key.kind}-${String(key.serial)}-${key.firmware}`} listing={key} />
          ))}
        </ul>
      )}
    </div>
  );
}
