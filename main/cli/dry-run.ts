import type { Connection } from './context.js';
import type { CliIo } from './io.js';

/** Whether a preview could compare its accounts with the vault's, and if not, why (said to the user). */
export type DuplicateCheck = { readonly checked: true } | { readonly checked: false; readonly warning: string };

/**
 * `scan` and `import` unlock before they preview. A dry run needs no vault, but it marks duplicates
 * whenever it can without asking: a vault exists and a password source is given (--password-file,
 * --password-command, LATCHKEY_PASSWORD_FILE, or --recovery-key-file). Otherwise it says that it could not check them. It
 * only reads: nothing is written by a dry run.
 */
export async function unlockForPreview(connection: Connection, io: CliIo, dryRun: boolean): Promise<DuplicateCheck> {
  if (!dryRun) {
    await connection.unlock();
    return { checked: true };
  }
  const { globals } = connection;
  const fromEnv = io.env['LATCHKEY_PASSWORD_FILE'];
  const hasSource = globals.passwordFile !== undefined || globals.passwordCommand !== undefined || globals.recoveryKeyFile !== undefined || (fromEnv !== undefined && fromEnv !== '');
  if (!hasSource) {
    return {
      checked: false,
      warning: 'duplicates were not checked against the vault: give the vault password (--password-file, --password-command or LATCHKEY_PASSWORD_FILE) to check them',
    };
  }
  const status = await connection.client.call('vault.status', {});
  if (!status.exists) return { checked: false, warning: `duplicates were not checked: there is no vault at ${status.path}` };
  await connection.unlock();
  return { checked: true };
}
