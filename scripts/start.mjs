// `npm start`: build, then run the app in Electron when its binary is installed.
// Electron's binary is looked up by path, never with require('electron'), which would try to
// download it. Exit codes: the app's own, or 69 (EX_UNAVAILABLE) when Electron's binary is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXIT_ELECTRON_MISSING = 69;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable if it is on disk, else undefined. */
export function findElectronBinary(env = process.env) {
  const electronDir = join(root, 'node_modules', 'electron');
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || join(electronDir, 'dist');
  const binary = join(distDir, relative);
  return existsSync(binary) ? binary : undefined;
}

function main() {
  if (process.env.LATCHKEY_SKIP_BUILD !== '1') {
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const electron = findElectronBinary();
  if (electron === undefined) {
    process.stderr.write(
      "latchkey: Electron's binary is not installed, so the app can't start; get it with `npx install-electron` (needs internet access), then run `npm start` again (the CLI works without it: `npx latchkey --help`).\n",
    );
    process.exit(EXIT_ELECTRON_MISSING);
  }
  const app = spawnSync(electron, [root], { cwd: root, stdio: 'inherit' });
  process.exit(app.status ?? 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
