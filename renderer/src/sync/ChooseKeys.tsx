import type { ReplyOf } from '../../../shared/api.js';
import type { DataError } from '../data/hooks.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';

type KeyListing = ReplyOf<'keys.list'>['keys'][number];

/** A key a sync can write to: one with OATH credentials (a YubiKey's card, a Nitrokey 3) that tells its serial. */
export interface SyncTarget {
  /** Opaque: compared with the plan's key ids as strings. */
  readonly id: string;
  readonly serial: number;
  readonly label: string;
}

const KIND_NAMES: Partial<Record<KeyListing['kind'], string>> = { 'yubikey-oath': 'YubiKey', nitrokey3: 'Nitrokey 3' };

export function syncTargets(keys: readonly KeyListing[]): SyncTarget[] {
  return keys.flatMap((key) => {
    const kind = KIND_NAMES[key.kind];
    // A key hiding its serial can't be named to main; a YubiKey seen through its OTP interface only has no OATH card to hold codes.
    if (kind === undefined || key.serial === null) return [];
    return [{ id: String(key.serial), serial: key.serial, label: `${kind} ${String(key.serial)}` }];
  });
}

/** How the table and the report name a key: the listing's name, or the id main gave when the key is not listed. */
export function keyLabel(targets: readonly SyncTarget[], id: string): string {
  return targets.find((target) => target.id === id)?.label ?? `Key ${id}`;
}

/** The keys plugged in that the sync writes to; all ticked by default. */
export function ChooseKeys({
  targets,
  loading,
  error,
  unticked,
  onUntickedChange,
  onLookAgain,
}: {
  targets: readonly SyncTarget[];
  loading: boolean;
  error: DataError | undefined;
  unticked: ReadonlySet<string>;
  onUntickedChange: (next: Set<string>) => void;
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
            checked={!unticked.has(target.id)}
            onChange={(event) => {
              const next = new Set(unticked);
              if (event.target.checked) next.delete(target.id);
              else next.add(target.id);
              onUntickedChange(next);
            }}
          />
          {target.label}
        </label>
      ))}
      <button type="button" className="small sync-look-again" onClick={onLookAgain}>
        Look for keys again
      </button>
    </fieldset>
  );
}
