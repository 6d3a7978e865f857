import { useState, type SyntheticEvent } from 'react';
import { useMutation } from '../data/hooks.js';
import { nitrokeyPin, type NitrokeyPinRequest } from '../data/nitrokey.js';
import { useLongOperation } from '../data/operation.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { OperationProgress } from '../ui/Progress.js';

type Submit = SyntheticEvent<HTMLFormElement, SubmitEvent>;
/** A PIN request without its operation id (given by the run), each action kept apart. */
type WithoutOpId<R> = R extends unknown ? Omit<R, 'opId'> : never;
type PinAction = WithoutOpId<NitrokeyPinRequest>;

/**
 * A PIN command as one long operation: a Nitrokey 3 asks for a touch to set or change its PIN (and
 * may to check it), which main says as "Touch your key…" with Cancel.
 */
function usePinCommand() {
  const mutations = useMutation();
  const operation = useLongOperation();
  const run = (request: PinAction) => operation.run('Asking the key…', (opId) => mutations.run(nitrokeyPin, { ...request, opId }));
  const progress = operation.state === undefined ? null : <OperationProgress state={operation.state} onCancel={operation.cancel} />;
  return { mutations, run, progress, cancel: operation.cancel };
}

/** One PIN field: typed hidden, never filled in by the browser. */
function PinInput({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <label>
      {label}
      <input type="password" autoComplete="off" value={value} onChange={(event) => { onChange(event.target.value); }} />
    </label>
  );
}

/**
 * The key's PIN, asked to see its PIN-protected accounts. The key checks it: a wrong one is said
 * with the attempts it has left (main's words), and `onRefused` reads the PIN row again from the key.
 */
export function NitrokeyPinEntry({ serial, onEntered, onRefused }: { serial: number; onEntered: (pin: string) => void; onRefused: () => void }) {
  const [pin, setPin] = useState('');
  const { mutations, run, progress } = usePinCommand();

  async function submit(event: Submit) {
    event.preventDefault();
    const result = await run({ serial, action: 'verify', pin });
    setPin('');
    if (result.ok) onEntered(pin);
    else onRefused();
  }

  return (
    <form className="stack wide nk3-pin" aria-label="Enter the PIN" onSubmit={(event) => void submit(event)}>
      <PinInput label="The key’s PIN" value={pin} onChange={setPin} />
      <div className="row">
        <button type="submit" disabled={mutations.busy || pin === ''}>
          Enter PIN
        </button>
      </div>
      {progress}
      <ErrorAlert error={mutations.error} />
    </form>
  );
}

/**
 * A new PIN, typed twice: set on a key without one, or changed (the current one first). The key
 * wants 1 to 127 bytes; its own limits beyond that come back in main's words.
 */
export function NitrokeyNewPin({ serial, current, onDone, onRefused, onCancel }: { serial: number; current: string | null; onDone: (pin: string) => void; onRefused: () => void; onCancel: () => void }) {
  const [currentPin, setCurrentPin] = useState(current ?? '');
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const { mutations, run, progress, cancel } = usePinCommand();
  const changing = current !== null;

  async function submit(event: Submit) {
    event.preventDefault();
    if (pin !== again) {
      mutations.fail('The two new PINs differ.');
      return;
    }
    const result = await run(changing ? { serial, action: 'change', pin: currentPin, newPin: pin } : { serial, action: 'set', newPin: pin });
    if (result.ok) onDone(pin);
    else onRefused();
  }

  return (
    <form className="stack wide nk3-pin" aria-label={changing ? 'Change the PIN' : 'Set a PIN'} onSubmit={(event) => void submit(event)}>
      {changing && <PinInput label="The current PIN" value={currentPin} onChange={setCurrentPin} />}
      <PinInput label="New PIN" value={pin} onChange={setPin} />
      <PinInput label="The new PIN again" value={again} onChange={setAgain} />
      <p className="hint">It protects the accounts put on the key with it. After 8 wrong tries the PIN is blocked, and only a reset, which erases every account on the key, makes it usable again.</p>
      <div className="row">
        <button type="submit" className="primary" disabled={mutations.busy || pin === '' || (changing && currentPin === '')}>
          {changing ? 'Change the PIN' : 'Set the PIN'}
        </button>
        <button
          type="button"
          onClick={() => {
            // A command waiting for the key's touch is stopped too, not left waiting behind a closed form.
            cancel();
            onCancel();
          }}
        >
          Cancel
        </button>
      </div>
      {progress}
      <ErrorAlert error={mutations.error} />
    </form>
  );
}
