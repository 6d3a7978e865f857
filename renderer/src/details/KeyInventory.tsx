import { useQuery } from '../data/hooks.js';
import { keyInventory, type SyncInventory } from '../data/sync.js';
import { syncErrorText } from '../sync/sync-errors.js';
import './key-inventory.css';

const KIND_NAMES: Record<SyncInventory['keys'][number]['kind'], string> = { 'yubikey-oath': 'YubiKey', nitrokey3: 'Nitrokey\u00a03' };
const CHANGES: Record<SyncInventory['drift'][number]['change'], string> = {
  added: 'found on the key, not put there by Latchkey',
  removed: 'missing from the key (removed outside Latchkey)',
  changed: 'changed on the key since Latchkey wrote it',
};

/** A key as the details say it: its kind and serial, from the inventory (a key id is shown as main gave it). */
function keyName(inventory: SyncInventory, key: number | string): string {
  const found = inventory.keys.find((entry) => String(entry.serial) === String(key));
  // A no-break space: a key's kind and serial stay on one line.
  return found === undefined ? `Key\u00a0${String(key)}` : `${KIND_NAMES[found.kind]}\u00a0${String(found.serial)}`;
}

/**
 * Which keys hold this account (the vault's inventory: what Latchkey wrote where), and drift: what
 * the keys plugged in now show for it that differs. Keys not plugged in are named as not checked.
 */
export function KeyInventory({ accountId }: { accountId: string }) {
  const { data, error } = useQuery(keyInventory, undefined);
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
        <Holders inventory={data} accountId={accountId} />
      )}
    </section>
  );
}

function Holders({ inventory, accountId }: { inventory: SyncInventory; accountId: string }) {
  const holders = inventory.accounts.find((account) => account.accountId === accountId)?.keys ?? [];
  const drift = inventory.drift.filter((cell) => cell.accountId === accountId);
  const unchecked = holders.filter((key) => !inventory.seen.some((seen) => String(seen) === String(key)));
  return (
    <>
      <p data-testid="on-keys">{holders.length === 0 ? 'On no key yet.' : `On keys: ${holders.map((key) => keyName(inventory, key)).join(', ')}`}</p>
      {unchecked.length > 0 && <p className="hint">Not plugged in now, so not checked: {unchecked.map((key) => keyName(inventory, key)).join(', ')}.</p>}
      {drift.length > 0 && (
        <ul className="key-drift" aria-label="Differs on the keys" data-testid="key-drift">
          {drift.map((cell) => (
            <li key={`${String(cell.key)}-${cell.name}-${cell.change}`}>
              {keyName(inventory, cell.key)}: {cell.name} {CHANGES[cell.change]}
              {cell.detail === '' ? '' : ` (${cell.detail})`}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
