// Bundles the Electron preload into one CommonJS file (a sandboxed preload cannot load modules), and
// the page bridge of the Chromium fallback into one script.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(root, 'main/electron/preload.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  outfile: join(root, 'dist/preload.cjs'),
  logLevel: 'error',
});
// The same bridge for a plain Chromium page (npm start's fallback, e2e): window.latchkey over a binding.
await build({
  entryPoints: [join(root, 'main/app-chromium/page-bridge.ts')],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  outfile: join(root, 'dist/page-bridge.js'),
  logLevel: 'error',
});
