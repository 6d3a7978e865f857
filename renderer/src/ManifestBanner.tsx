import type { VaultStatus } from '../../shared/vault-api.js';
import './manifest-banner.css';

/**
 * Shown on the main screen while the vault's manifest does not match its accounts and key slots: the
 * file was changed outside Latchkey (a slot or an account deleted, added, changed or rolled back), and
 * Latchkey refuses to save until the user has checked and accepted it. Gone at the next status check
 * after `latchkey vault verify --accept` (the window looks again when it regains focus).
 */
export function ManifestBanner({ manifest }: { manifest: VaultStatus['manifest'] }) {
  if (manifest !== 'mismatch') return null;
  return (
    <section className="manifest-banner" role="alert" aria-labelledby="manifest-banner-title">
      <h2 id="manifest-banner-title">This vault was changed outside Latchkey</h2>
      <p>
        Accounts or key slots (such as the recovery key) were deleted, added, changed or rolled back since Latchkey last
        saved the vault: by a restored or synced copy, another program, or someone with access to the file. Your codes
        still show, but Latchkey saves no changes until this is resolved.
      </p>
      <p>
        To resolve it, check what changed in a terminal with <code>latchkey vault verify</code>. If the change was yours
        (for example, you put back an older copy), accept the vault as it is now with{' '}
        <code>latchkey vault verify --accept</code>. If it was not, restore a backup you trust instead.
      </p>
    </section>
  );
}
