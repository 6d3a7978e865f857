import type { ReplyOf } from '../../../shared/api.js';
import type { DataError } from '../data/hooks.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';

type KeyListing = ReplyOf<'keys.list'>['keys'][number];

/**
 * Where a sync can write: a key's OATH credentials (a YubiKey's card, a Nitrokey 3), or a YubiKey's
 * two OTP slots (HOTP accounts only). Only keys that tell their serial: main is asked by it.
 */
export interface SyncTarget {
  /** Main's target id (`SERIAL`, `SERIAL/otp`): opaque here, compared with the plan's as text. */
  readonly id: string;
  readonly label: string;
  /** Ticked when the panel opens: the OATH applications; the OTP slots (two, HOTP only) when asked. */
  readonly byDefault: boolean;
}

const KIND_NAMES: Partial<Record<KeyListing['kind'], string>> = { 'yubikey-oath': 'YubiKey', nitrokey3: 'Nitrokey 3' };

export function syncTargets(keys: readonly KeyListing[]): SyncTarget[] {
  return keys.flatMap((key) => {
    if (key.serial === null) return [];
    const serial = String(key.serial);
    const kind = KIND_NAMES[key.kind];
    const oath = kind === undefined ? [] : [{ id: serial, label: `${kind} ${serial}`, byDefault: true }];
    const hasSlots = key.kind === 'yubikey-otp' || key.applications?.includes('otp') === true;
    // The id of a YubiKey's OTP slots as main names the target (shared/sync-target.ts).
    const slots = hasSlots ? [{ id: `${serial}/otp`, label: `YubiKey ${serial} OTP slots`, byDefault: false }] : [];
    return [...oath, ...slots];
  });
}

/** How the table and the report name a key: the listing's name, or the id main gave when the key is not listed. */
export function keyLabel(targets: readonly SyncTarget[], id: string): string {
  return targets.find((target) => target.id === id)?.label ?? `Key ${id}`;
}

/** The keys plugged in that the sync writes to: their OATH credentials ticked by default, a YubiKey's OTP slots when asked. */
export function ChooseKeys({
  targets,
  loading,
  error,
  chosen,
  onChosenChange,
  onLookAgain,
}: {
  targets: readonly SyncTarget[];
  loading: boolean;
  error: DataError | undefined;
  chosen: ReadonlySet<string>;
  onChosenChange: (next: Set<string>) => void;
  onLookAgain: () => void;
}) {
  return (
    <fieldset className="choices sync-choice">
      <legend>Keys</legend>
      {loading && (
        <p className="hint" aria-busy="true">
          Looking for keys…
        </p>
      )}
      <ErrorAlert error={error} />
      {!loading && error === undefined && targets.length === 0 && <p className="hint">No YubiKey or Nitrokey 3 is plugged in. Plug one in; it shows up here.</p>}
      {targets.map((target) => (
        <label key={target.id} className="check">
          <input
            type="checkbox"
            checked={chosen.has(target.id)}
            onChange={(event) => {
              const next = new Set(chosen);
              if (event.target.checked) next.add(target.id);
              else next.delete(target.id);
              onChosenChange(next);
            }}
          />
          <span>
            {target.label}
            {!target.byDefault && <span className="hint"> (counter-based accounts only)</span>}
          </span>
        </label>
      ))}
      <button type="button" className="small sync-look-again" onClick={onLookAgain}>
        Look for keys again
      </button>
    </fieldset>
  );
}
