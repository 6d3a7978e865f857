// `npm start`: build, then run the app in Electron when its binary is installed; else, with a
// display and Debian's Chromium, the same UI in a Chromium window; else one line and exit 69
// (EX_UNAVAILABLE). `npm start -- --smoke` renders the first screen headless and exits.
// Electron's binary is looked up by path, never with require('electron'), which would download it.
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

/** Chromium app mode needs Debian's Chromium and, unless it is a headless smoke run, a display. */
function canRunChromium(smoke, env = process.env) {
  const chromium = env.LATCHKEY_CHROMIUM || '/usr/bin/chromium';
  return existsSync(chromium) && (smoke || Boolean(env.DISPLAY) || Boolean(env.WAYLAND_DISPLAY));
}

function main() {
  if (process.env.LATCHKEY_SKIP_BUILD !== '1') {
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const electron = findElectronBinary();
  const smoke = process.argv.includes('--smoke');
  if (electron === undefined && canRunChromium(smoke)) {
    // The same UI and service in Debian's Chromium, over the same bridge (DESIGN.md, front doors).
    const fallback = spawnSync(process.execPath, [join(root, 'dist/main/app-chromium/launch.js'), ...(smoke ? ['--smoke'] : [])], { cwd: root, stdio: 'inherit' });
    process.exit(fallback.status ?? 1);
  }
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
