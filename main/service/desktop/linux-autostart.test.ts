import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { autostartFile, setLinuxAutostart } from './linux-autostart.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('start at login on Linux (XDG autostart)', () => {
  it('writes an entry that starts the app (hidden: with --hidden), and removes it', () => {
    const config = mkdtempSync(join(tmpdir(), 'latchkey-autostart-'));
    folders.push(config);
    const env = { XDG_CONFIG_HOME: config };
    const file = join(config, 'autostart', 'latchkey.desktop');
    expect(autostartFile(env)).toBe(file);
    setLinuxAutostart(true, ['/opt/Latchkey/latchkey'], false, env);
    expect(readFileSync(file, 'utf8')).toContain('Exec="/opt/Latchkey/latchkey"\n');
    setLinuxAutostart(true, ['/opt/My "Apps"/latchkey', '/x$y'], true, env);
    const entry = readFileSync(file, 'utf8');
    expect(entry.split('\n')).toEqual(['[Desktop Entry]', 'Type=Application', 'Name=Latchkey', 'Comment=Two-factor codes', 'Exec="/opt/My \\"Apps\\"/latchkey" "/x\\$y" "--hidden"', 'Terminal=false', 'X-GNOME-Autostart-enabled=true', '']);
    setLinuxAutostart(false, ['/opt/Latchkey/latchkey'], false, env);
    expect(existsSync(file)).toBe(false);
    // Turning off what is already off is fine.
    setLinuxAutostart(false, ['/opt/Latchkey/latchkey'], false, env);
  });
});
