// Bundles the `latchkey` CLI (main/cli/main.ts) into dist/cli/: one ESM entry plus chunks for what a
// command loads later (esbuild's splitting keeps every dynamic import() lazy). Why: a command such as
// `latchkey code QUERY` spent ~90 ms in Node's ESM loader resolving, reading and linking ~200 modules
// (zod's 64 locales among them) before the vault's Argon2id could start; a handful of chunks load in a
// fraction of that. The app (Electron and the Chromium fallback) keeps running tsc's dist/main/.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/cli');

/**
 * Packages compiled into the bundle: pure JavaScript that every command loads at start-up. Every other
 * package stays an import Node resolves from node_modules as before: native addons (sodium-native,
 * better-sqlite3, node-hid, smartcard, sharp), packages that find files beside themselves (zxing-wasm's
 * .wasm, libsodium.js for the KDF worker, which is given its path), and the heavy ones a few commands
 * load on demand (QR, protobuf, D-Bus, the password estimator), which the modules test watches for.
 */
const BUNDLED_PACKAGES = new Set(['zod', 'commander', 'otpauth']);

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** Bare specifiers outside BUNDLED_PACKAGES stay imports (node: built-ins too). */
const externalPackages = {
  name: 'external-packages',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED_PACKAGES.has(packageName(args.path)) ? undefined : { path: args.path, external: true }));
  },
};

/**
 * Our sources write `import { z } from 'zod'`: `z` is zod's namespace object re-exported as a value,
 * which a bundler must keep whole (every schema kind, JSON-schema tooling and all 64 locales: ~750 KB).
 * `import * as z from 'zod'` names the same exports (zod 4's documented form) and lets esbuild keep
 * only what is used (~200 KB, the English locale alone). The build checks the result below.
 */
const ZOD_VALUE_IMPORT = /^import \{ z \} from 'zod';$/gm;
const zodNamespaceImports = {
  name: 'zod-namespace-imports',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replace(ZOD_VALUE_IMPORT, "import * as z from 'zod';"), loader: 'ts' };
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['main/cli/main.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  // Whitespace and syntax only: names stay, so a bug report's stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  write: false,
  plugins: [externalPackages, zodNamespaceImports],
  // commander is CommonJS: its require() of Node built-ins needs a real require in an ES module.
  banner: { js: "import { createRequire as __latchkeyCreateRequire } from 'node:module'; const require = __latchkeyCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// zod's locales other than English are the sign that tree-shaking failed (a new way of importing zod?).
const bundled = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path));
const locales = bundled.filter((path) => /node_modules\/zod\/.*\/locales\/(?!en\.js$)/.test(path));
if (locales.length > 0) {
  throw new Error(`build-cli: ${String(locales.length)} of zod's locales are in the CLI bundle: tree-shaking failed; import zod as \`import { z } from 'zod'\` or \`import * as z from 'zod'\``);
}

/**
 * Written file by file, each renamed into place, and old chunks left a while: others run `latchkey`
 * while the CLI is rebuilt (tests beside a build), and a process started on the old build still
 * imports its old chunks by their hashed names; a bin that found no main.js would fail outright.
 */
const STALE_AFTER_MS = 10 * 60_000;
mkdirSync(outdir, { recursive: true });
const writeInPlace = (path, contents) => {
  const temporary = `${path}.${String(process.pid)}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
};
for (const file of result.outputFiles) writeInPlace(file.path, file.contents);
// Files that modules read beside themselves through import.meta.url: in the bundle that is dist/cli/.
const BESIDE = ['main/enroll/migration/google-migration.proto'];
for (const file of BESIDE) writeInPlace(join(outdir, basename(file)), readFileSync(join(root, file)));
const current = new Set([...result.outputFiles.map((file) => basename(file.path)), ...BESIDE.map((file) => basename(file)), 'modules.json']);
for (const name of readdirSync(outdir)) {
  const path = join(outdir, name);
  if (!current.has(name) && Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { force: true });
}

// Which sources each output file holds: the modules test maps the chunks a command loaded back to them.
const modules = Object.fromEntries(
  Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => [relative(outdir, join(root, file)), Object.keys(output.inputs).sort()]),
);
writeInPlace(join(outdir, 'modules.json'), `${JSON.stringify(modules, null, 1)}\n`);
