import { useQuery } from '../data/hooks.js';
import { keyList } from '../data/keys.js';
import { keyInventory, type SyncInventory } from '../data/sync.js';
import { keyLabel, syncTargets, type SyncTarget } from '../sync/ChooseKeys.js';
import { syncErrorText } from '../sync/sync-errors.js';
import './key-inventory.css';

const KIND_NAMES: Record<SyncInventory['keys'][number]['kind'], string> = { 'yubikey-oath': 'YubiKey', nitrokey3: 'Nitrokey\u00a03' };
const CHANGES: Record<SyncInventory['drift'][number]['change'], string> = {
  added: 'found on the key, not put there by Latchkey',
  removed: 'missing from the key (removed outside Latchkey)',
  changed: 'changed on the key since Latchkey wrote it',
};

/**
 * A holder as the details say it: an OATH key by its kind and serial (the inventory's), another
 * target (a YubiKey's OTP slots) by its name in the keys list when plugged in, else by main's id.
 */
function keyName(inventory: SyncInventory, listed: readonly SyncTarget[], key: number | string): string {
  const found = inventory.keys.find((entry) => String(entry.serial) === String(key));
  // No-break spaces: a key's kind and serial stay on one line.
  if (found !== undefined) return `${KIND_NAMES[found.kind]}\u00a0${String(found.serial)}`;
  return keyLabel(listed, String(key)).replace(/ (?=\d)/g, '\u00a0');
}

/**
 * Which keys hold this account (the vault's inventory: what Latchkey wrote where), and drift: what
 * the keys plugged in now show for it that differs. Keys not plugged in are named as not checked,
 * and so are all of them, with the reason, when the keys can't be looked for (pcscd not running).
 */
export function KeyInventory({ accountId }: { accountId: string }) {
  const { data, error } = useQuery(keyInventory, undefined);
  // Only to name a YubiKey's OTP slots among the holders (the inventory names OATH keys itself).
  const listed = useQuery(keyList, undefined).data;
  return (
    <section className="section key-inventory" aria-labelledby="key-inventory-title" data-testid="key-inventory">
      <h3 id="key-inventory-title">Security keys</h3>
      {data === undefined ? (
        error === undefined ? (
          <p className="hint" aria-busy="true">
            Reading the keys…
          </p>
        ) : (
          <p className="hint">The keys can’t be read now. {syncErrorText(error)}</p>
        )
      ) : (
        <Holders inventory={data} listed={syncTargets(listed?.keys ?? [])} accountId={accountId} />
      )}
    </section>
  );
}

function Holders({ inventory, listed, accountId }: { inventory: SyncInventory; listed: readonly SyncTarget[]; accountId: string }) {
  const entry = inventory.accounts.find((account) => account.accountId === accountId);
  // Every target holding it: OATH keys by serial, a YubiKey's OTP slots as `SERIAL/otp` (opaque here).
  const holders = entry?.targets ?? [];
  const drift = inventory.drift.filter((cell) => cell.accountId === accountId);
  // Drift is read from OATH keys plugged in now; those not plugged in are said to be unchecked.
  const unchecked = (entry?.keys ?? []).filter((key) => !inventory.seen.some((seen) => String(seen) === String(key)));
  const name = (key: number | string) => keyName(inventory, listed, key);
  return (
    <>
      <p data-testid="on-keys">{holders.length === 0 ? 'On no key yet.' : `On keys: ${holders.map(name).join(', ')}`}</p>
      {unchecked.length > 0 &&
        (inventory.unavailable === undefined ? (
          <p className="hint">Not plugged in now, so not checked: {unchecked.map(name).join(', ')}.</p>
        ) : (
          // No key could be looked for (pcscd not running): say so with its fix, not "not plugged in".
          // A serial may start a line here (the text is long at 200 %), but is never broken itself.
          <p className="hint" data-testid="keys-unavailable">
            Not checked: {unchecked.map((key) => name(key).replace(/\u00a0(?=\d+$)/, ' ')).join(', ')}, because {inventory.unavailable.join('; ')}
          </p>
        ))}
      {drift.length > 0 && (
        <ul className="key-drift" aria-label="Differs on the keys" data-testid="key-drift">
          {drift.map((cell) => (
            <li key={`${String(cell.key)}-${cell.name}-${cell.change}`}>
              {name(cell.key)}: {cell.name} {CHANGES[cell.change]}
              {cell.detail === '' ? '' : ` (${cell.detail})`}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
