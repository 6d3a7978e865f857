import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test-support/facts.js';
import { makeTempHome, spawnCli } from './test-support/spawn-cli.js';

/**
 * Issue 14, item 6: a command loads what it needs when it needs it. Printing a code needs no QR
 * decoding (zxing-wasm, sharp, image-size), no Google export protobuf, no QR drawing, no import
 * formats (libsodium.js for Ente and transfer blocks), no D-Bus and no password estimator; and
 * `--version` loads no package at all. A module hook given to the real `latchkey` process logs
 * every module it imports (as resolved) and every module it requires (as loaded: a bare
 * require.resolve, such as the wasm fallback's path for its worker, loads nothing). The CLI runs
 * bundled (scripts/build-cli.mjs): a chunk of dist/cli/ it loads stands for the sources the build
 * put in it (dist/cli/modules.json), so the checks below are about our sources and packages still.
 */
const HEAVY = ['zxing-wasm', 'sharp', 'image-size', 'protobufjs', 'qrcode', 'dbus-next', 'libsodium-wrappers-sumo', '@zxcvbn-ts', 'node-hid'];
/** The HID layer, the key drivers and their emulators: only `latchkey keys …` needs them. */
const keyModulesIn = (modules: readonly string[]) => modules.filter((module) => /\/main\/(keys\/|service\/(devices|handlers\/keys))/.test(module));

function probe(folder: string): { env: Record<string, string>; loaded: () => string[] } {
  const log = join(folder, 'modules.log');
  writeFileSync(log, '');
  const hook = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}`;
  const preload = join(folder, 'probe.mjs');
  writeFileSync(
    preload,
    `import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});
const load = Module.prototype.load;
Module.prototype.load = function (filename) {
  appendFileSync(${JSON.stringify(log)}, filename + '\\n');
  return load.call(this, filename);
};
`,
  );
  return {
    env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` },
    loaded: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .flatMap(sourcesOf),
  };
}

const BUNDLE = join(REPO_ROOT, 'dist', 'cli');
const bundleModules = JSON.parse(readFileSync(join(BUNDLE, 'modules.json'), 'utf8')) as Record<string, string[]>;

/** A loaded module as the sources it holds: a chunk of the CLI bundle is its inputs, anything else itself. */
function sourcesOf(module: string): string[] {
  const path = module.startsWith('file:') ? fileURLToPath(module) : module;
  if (dirname(path) !== BUNDLE) return [module];
  const inputs = bundleModules[basename(path)];
  if (inputs === undefined) throw new Error(`${path} is not listed in dist/cli/modules.json: run npm run build:main`);
  return inputs.map((input) => join(REPO_ROOT, input));
}

const packagesIn = (modules: readonly string[]) => [...new Set(modules.flatMap((module) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(module)?.[1] ?? []))].sort();
const heavyIn = (modules: readonly string[]) => packagesIn(modules).filter((name) => HEAVY.some((heavy) => name === heavy || name.startsWith(`${heavy}/`)));

describe('commands load only what they need', () => {
  it('--version loads no package, and none of the service or the contract', async () => {
    const home = makeTempHome();
    const { env, loaded } = probe(mkdtempSync(join(tmpdir(), 'latchkey-modules-')));
    const run = await spawnCli(['--version'], { home, env });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(packagesIn(loaded())).toEqual([]);
    expect(loaded().filter((module) => /\/(service|vault|shared)\//.test(module))).toEqual([]);
  });

  it('code --secret, code QUERY and list load no QR, protobuf, format, D-Bus or estimator module', async () => {
    const home = makeTempHome();
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-modules-'));
    const password = join(folder, 'pw.txt');
    writeFileSync(password, 'correct horse battery staple 7\n');
    const vault = ['--password-file', password];
    expect((await spawnCli(['init', '--kdf', '2,64', ...vault], { home })).code).toBe(0);
    expect((await spawnCli(['add', '--secret', '-', '--issuer', 'GitHub', '--label', 'alice', ...vault], { home, stdin: 'JBSWY3DPEHPK3PXP\n' })).code).toBe(0);

    const secret = probe(folder);
    const fromSecret = await spawnCli(['code', '--secret', '-'], { home, env: secret.env, stdin: 'JBSWY3DPEHPK3PXP\n' });
    expect(fromSecret).toMatchObject({ code: 0, stderr: '' });
    expect(heavyIn(secret.loaded())).toEqual([]);

    for (const args of [['code', 'github'], ['list']]) {
      const { env, loaded } = probe(folder);
      const run = await spawnCli([...args, ...vault], { home, env });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      // The hook sees required packages too: the vault's native libsodium is one.
      expect(packagesIn(loaded())).toContain('sodium-native');
      expect(heavyIn(loaded())).toEqual([]);
      expect(keyModulesIn(loaded())).toEqual([]);
    }
  });

  it("code QUERY with a password file loads libsodium (its Argon2id starts) before zod and the contract", async () => {
    const home = makeTempHome();
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-modules-'));
    const password = join(folder, 'pw.txt');
    writeFileSync(password, 'correct horse battery staple 7\n');
    expect((await spawnCli(['init', '--kdf', '2,64', '--password-file', password], { home })).code).toBe(0);
    const { env, loaded } = probe(folder);
    const run = await spawnCli(['code', 'anything', '--password-file', password], { home, env });
    expect(run.stderr).toBe('latchkey: NOT_FOUND: no account matches "anything"\n');
    const modules = loaded();
    const sodium = modules.findIndex((module) => module.includes('/node_modules/sodium-native/'));
    const zod = modules.findIndex((module) => module.includes('/node_modules/zod/'));
    const contract = modules.findIndex((module) => module.endsWith('/shared/api.ts'));
    expect(sodium).toBeGreaterThan(-1);
    expect(zod).toBeGreaterThan(sodium);
    expect(contract).toBeGreaterThan(sodium);
  });

  it('keys list loads the HID layer and the YubiKey driver (and no vault password is asked)', async () => {
    const home = makeTempHome();
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-modules-'));
    const { env, loaded } = probe(folder);
    const run = await spawnCli(['keys', 'list', '--emulator', `yubikey-otp:${join(folder, 'key.json')}`], { home, env });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(keyModulesIn(loaded()).some((module) => /\/keys\/yubikey-otp\/session\.[jt]s$/.test(module))).toBe(true);
  });

  it("the bundle keeps zod's English locale alone (the contract's schemas tree-shaken, not zod whole)", () => {
    const locales = new Set(Object.values(bundleModules).flatMap((inputs) => inputs.filter((input) => /node_modules\/zod\/.*\/locales\//.test(input)).map(fromNodeModules)));
    expect([...locales]).toEqual(['node_modules/zod/v4/locales/en.js']);
  });

  it('the hook sees a heavy module when a command needs it (init judges the new password)', async () => {
    const home = makeTempHome();
    const folder = mkdtempSync(join(tmpdir(), 'latchkey-modules-'));
    writeFileSync(join(folder, 'pw.txt'), 'correct horse battery staple 7\n');
    const { env, loaded } = probe(folder);
    expect((await spawnCli(['init', '--kdf', '2,64', '--password-file', join(folder, 'pw.txt')], { home, env })).code).toBe(0);
    expect(heavyIn(loaded())).toContain('@zxcvbn-ts/core');
  });
});

/** An esbuild input from `node_modules/` on, however the folder was reached (a linked one shows as `../elsewhere/node_modules/…`). */
function fromNodeModules(input: string): string {
  return input.slice(input.indexOf('node_modules/'));
}
