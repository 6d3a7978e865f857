import type { Channel } from './api.js';

/**
 * The channels the page may call: exactly those the renderer's code calls, and nothing more
 * (SECURITY-NOTES §9.7). Every renderer door (Electron's ipcMain, the Chromium fallback's binding,
 * the e2e harness) serves this list; the CLI, run from the user's own shell, serves the whole table.
 * A test reads the renderer's code and fails when this list and its calls disagree, so a new channel
 * reaches the page only by being added here, in review.
 *
 * Left out on purpose: anything that takes a filesystem path (backup.*, the CLI's export.create),
 * seeds in the clear (otp.code, uri.*), and vault administration the app has no screen for
 * (rekey, slots, verify). The password change and a new recovery key are the page's only after an
 * unlock with the recovery key (the change skips the old password only then; the new key needs the
 * password again, which the page has just set).
 */
export const RENDERER_CHANNELS = [
  'vault.status',
  'vault.create',
  'vault.unlock',
  'vault.lock',
  'vault.saveRecoveryKey',
  'vault.changePassword',
  'vault.recoveryKey',
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
  'settings.get',
  'settings.set',
  'app.activity',
  'op.cancel',
] as const satisfies readonly Channel[];

export type RendererChannel = (typeof RENDERER_CHANNELS)[number];

const SERVED: ReadonlySet<string> = new Set(RENDERER_CHANNELS);

export function isRendererChannel(value: unknown): value is RendererChannel {
  return typeof value === 'string' && SERVED.has(value);
}

/**
 * Request fields only the CLI may set: `showSecrets` puts seeds in a preview's reply, `at` asks for
 * the codes of another moment (future codes outlive a lock). The renderer door refuses a request
 * that sets one, whatever the channel.
 */
export const CLI_ONLY_FIELDS = ['showSecrets', 'at'] as const;
