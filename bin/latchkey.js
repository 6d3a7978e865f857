#!/usr/bin/env node
// The `latchkey` command. It runs the bundled CLI (dist/cli/, scripts/build-cli.mjs), built by `npm ci`
// (the `prepare` script) or `npm run build:main`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('latchkey: INTERNAL: the CLI is not built yet; run `npm run build:main` in the Latchkey folder\n');
  process.exit(1);
}
await import(entry.href);
