import { removeDamagedAccount } from '../../vault/index.js';
import type { HandlersFor } from '../handler-types.js';
import { afterReauth } from '../reauth.js';
import type { VaultHost } from '../vault-host.js';

/**
 * A damaged account (a sealed field that fails its check) can be neither shown, backed up nor
 * exported; the CLI removes it by the id `vault verify` gives. It can't be undone: the password again.
 */
export function damagedRowHandlers(host: VaultHost): HandlersFor<'accounts.removeDamaged'> {
  return {
    'accounts.removeDamaged': ({ id, vaultPassword }) => afterReauth(host, vaultPassword, (session) => ({ removed: id, fields: removeDamagedAccount(session, id) })),
  };
}
