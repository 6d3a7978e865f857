#!/usr/bin/env node
// The `latchkey` command. It runs the compiled CLI, built by `npm ci` (the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('latchkey: INTERNAL: the CLI is not built yet; run `npm run build` in the Latchkey folder\n');
  process.exit(1);
}
await import(entry.href);
