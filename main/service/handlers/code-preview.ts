import type { Clock, HandlersFor } from '../handler-types.js';
import type { VaultHost } from '../vault-host.js';

/** The next window's codes, asked for only while a code is in its last seconds (the app's preview). */
export function codePreviewHandlers(host: VaultHost, clock: Clock): HandlersFor<'accounts.nextCodes'> {
  return {
    'accounts.nextCodes': ({ ids }) => {
      const session = host.session();
      const codes = [];
      for (const id of ids) {
        const meta = session.account(id);
        if (meta.type === 'hotp') continue;
        const current = session.code(id, clock.now());
        if (current.validUntil === null) continue;
        const next = session.code(id, current.validUntil * 1000);
        codes.push({ id, code: next.code, validFrom: current.validUntil });
      }
      return { codes };
    },
  };
}
