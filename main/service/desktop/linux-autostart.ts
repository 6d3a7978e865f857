import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** The XDG autostart entry's place: `$XDG_CONFIG_HOME/autostart`, else `~/.config/autostart`. */
export function autostartFile(env: Env = process.env): string {
  const config = env['XDG_CONFIG_HOME'] !== undefined && env['XDG_CONFIG_HOME'] !== '' ? env['XDG_CONFIG_HOME'] : join(homedir(), '.config');
  return join(config, 'autostart', 'latchkey.desktop');
}

/** A desktop-entry Exec value: each argument quoted as the spec asks (", `, $ and \ escaped). */
function execLine(command: readonly string[]): string {
  return command.map((part) => `"${part.replace(/(["`$\\])/g, '\\$1')}"`).join(' ');
}

/**
 * Start at login on Linux, where Electron's setLoginItemSettings does nothing: an XDG autostart entry
 * (freedesktop Desktop Application Autostart spec), read by GNOME, KDE, Xfce and most others.
 * `hidden` adds `--hidden`: the app starts in the tray without its window.
 */
export function setLinuxAutostart(enabled: boolean, command: readonly string[], hidden: boolean, env: Env = process.env): void {
  const file = autostartFile(env);
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(join(file, '..'), { recursive: true });
  const entry = ['[Desktop Entry]', 'Type=Application', 'Name=Latchkey', 'Comment=Two-factor codes', `Exec=${execLine(hidden ? [...command, '--hidden'] : command)}`, 'Terminal=false', 'X-GNOME-Autostart-enabled=true', ''];
  writeFileSync(file, entry.join('\n'), { mode: 0o644 });
}
