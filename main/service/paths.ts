import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The one place the default vault location is decided, shared by the app and the CLI:
 * $LATCHKEY_HOME, else the platform's data folder.
 */
export function defaultVaultPath(env: Readonly<Record<string, string | undefined>> = process.env, platform: NodeJS.Platform = process.platform): string {
  const explicit = env['LATCHKEY_HOME'];
  if (explicit !== undefined && explicit !== '') return join(explicit, 'vault.sqlite');
  const home = env['HOME'] ?? homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Latchkey', 'vault.sqlite');
    case 'win32':
      return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Latchkey', 'vault.sqlite');
    default:
      return join(env['XDG_DATA_HOME'] ?? join(home, '.local', 'share'), 'latchkey', 'vault.sqlite');
  }
}
