import type { Channel } from './api.js';

/**
 * The channels the page may call: exactly those the renderer's code calls, and nothing more
 * (SECURITY-NOTES §9.7). Every renderer door (Electron's ipcMain, the Chromium fallback's binding,
 * the e2e harness) serves this list; the CLI, run from the user's own shell, serves the whole table.
 * A test reads the renderer's code and fails when this list and its calls disagree, so a new channel
 * reaches the page only by being added here, in review.
 *
 * Left out on purpose: anything that takes a filesystem path (backup.create/verify/restore, the
 * CLI's export.create: the app's backup.save/check/restoreChecked have main ask for the file), and
 * seeds in the clear (otp.code, uri.*). Vault settings (issue 18) are the page's: each change checks
 * the vault password again in main (slots, keyring, rekey, a new recovery key); verify only reports.
 */
export const RENDERER_CHANNELS = [
  'vault.status',
  'vault.create',
  'vault.unlock',
  'vault.lock',
  'vault.saveRecoveryKey',
  'vault.changePassword',
  'vault.recoveryKey',
  'vault.slots',
  'vault.addKeySlot',
  'vault.removeSlot',
  'vault.verify',
  'vault.rekey',
  'vault.keyring.status',
  'vault.keyring.enable',
  'vault.keyring.disable',
  'vault.unlockWithKeyring',
  'password.estimate',
  'accounts.list',
  'accounts.add',
  'accounts.update',
  'accounts.remove',
  'accounts.undoRemove',
  'accounts.details',
  'accounts.reorder',
  'accounts.reveal',
  'accounts.nextCodes',
  'accounts.copyCode',
  'accounts.recoveryCodes',
  'enroll.decodeImage',
  'enroll.decodeText',
  'enroll.captureScreen',
  'enroll.commit',
  'import.formats',
  'import.preview',
  'import.commit',
  'export.save',
  'backup.auto.enable',
  'backup.auto.disable',
  'backup.auto.status',
  'backup.auto.run',
  'backup.save',
  'backup.check',
  'backup.restoreChecked',
  'backup.lastVerification',
  'transfer.copy',
  'settings.get',
  'settings.set',
  'app.activity',
  'op.cancel',
  // The keys panel (issue 18): the keys plugged in, its live watch, what a key holds (names and
  // room, no secret), a code computed on the key, and a YubiKey's OTP slots: their state, delete and
  // swap (each confirmed in the page; neither copies a secret).
  'keys.list',
  'keys.watch',
  'keys.credentials',
  'keys.calculate',
  'keys.status',
  'keys.delete',
  'keys.swap',
  // A Nitrokey 3's PIN (issue 18): checked, set or changed on the key; the PIN is the user's own typing.
  'keys.pin',
  // ...and the panel's writes (issue 18): a slot programmed (HOTP: the vault password again, checked in
  // main; challenge-response: a generated key comes back this once, for a backup key), vault accounts
  // put on the OATH card (the vault password again), renamed, deleted, the card's access password set
  // or cleared, and a reset (confirmed in the page). None gives the page a vault secret.
  'keys.program',
  'keys.put',
  'keys.rename',
  'keys.deleteCredential',
  'keys.password',
  'keys.reset',
  // Sync (issue 18): the plan (names and room, nothing written), the apply (the vault password again:
  // secrets go from the vault onto the keys, never to the page) and the inventory (names and serials).
  'keys.syncPlan',
  'keys.syncApply',
  'keys.inventory',
  // The app on the desktop (issue 18): its preferences, and quick search's copy, type, hide and Unlock.
  'desktop.get',
  'desktop.set',
  'desktop.quick.copy',
  'desktop.quick.type',
  'desktop.quick.hide',
  'desktop.openMain',
] as const satisfies readonly Channel[];

export type RendererChannel = (typeof RENDERER_CHANNELS)[number];

const SERVED: ReadonlySet<string> = new Set(RENDERER_CHANNELS);

export function isRendererChannel(value: unknown): value is RendererChannel {
  return typeof value === 'string' && SERVED.has(value);
}

/**
 * Request fields only the CLI may set: `showSecrets` puts seeds in a preview's reply, `at` asks for
 * the codes of another moment (future codes outlive a lock), `acceptCurrentRows` re-signs a vault
 * changed outside Latchkey (the page shows a verify report; accepting one stays a deliberate CLI
 * step). The renderer door refuses a request that sets one, whatever the channel.
 */
export const CLI_ONLY_FIELDS = ['showSecrets', 'at', 'acceptCurrentRows'] as const;

/**
 * Request fields only the CLI may set on one channel, as paths into the request. `keys.program`'s
 * `newAccessCode` would lock the slot behind a code the user never saw, and its `keyHex` would put an
 * HMAC key of the page's choosing on the key: the panel sets neither (a generated key is drawn in main).
 */
export const CLI_ONLY_FIELDS_BY_CHANNEL: Readonly<Partial<Record<RendererChannel, readonly (readonly string[])[]>>> = {
  'keys.program': [['newAccessCode'], ['credential', 'keyHex']],
};

/** A request as the page sent it, before the schema: read defensively. */
type PageRequest = Readonly<Record<string, unknown>>;

/**
 * Irreversible key writes the page may ask for only with the vault password typed again
 * (`vaultPassword`, checked in main by `afterReauth`, a wrong one counted as unlock's are). The CLI,
 * run from the user's own shell, leaves it out. Each rule says when its channel needs it.
 */
export const PAGE_REAUTH_RULES: Readonly<Partial<Record<RendererChannel, (request: PageRequest) => boolean>>> = {
  // Every credential and the access password go.
  'keys.reset': () => true,
  // A credential's secret goes from the key.
  'keys.deleteCredential': () => true,
  // A programmed slot's secret goes (an empty slot's delete is refused unless `confirmed`).
  'keys.delete': (request) => request['confirmed'] === true,
  // A programmed slot is overwritten; a HOTP account's own vaultPassword covers it (one check).
  'keys.program': (request) => request['overwrite'] === true,
};

/** The vault password a page request carries for its rule: `vaultPassword`, or a HOTP program's own. */
export function pageVaultPassword(request: PageRequest): unknown {
  if (request['vaultPassword'] !== undefined) return request['vaultPassword'];
  const credential = request['credential'];
  if (typeof credential === 'object' && credential !== null && (credential as PageRequest)['kind'] === 'hotp') return (credential as PageRequest)['vaultPassword'];
  return undefined;
}
