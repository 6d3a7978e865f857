import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REPO_ROOT } from '../main/test-support/facts.js';

/**
 * The dependency rules must really fail a forbidden import: a throwaway tree with one offending
 * import per rule is cruised with the project's own configuration.
 */
const probes: Record<string, Record<string, string>> = {
  'shared-imports-only-zod': { 'shared/contract.ts': "import '../main/service/index';" },
  'otp-imports-only-shared-otpauth-crypto': { 'main/otp/engine.ts': "import 'node:fs';" },
  'enroll-formats-no-io': { 'main/enroll/reader.ts': "import 'node:fs';" },
  'enroll-formats-layer': { 'main/formats/aegis/parse.ts': "import '../../vault/vault';" },
  'vault-layer': { 'main/vault/store.ts': "import '../enroll/index';" },
  'doors-use-service-and-shared-only': { 'main/cli/command.ts': "import '../vault/vault';" },
  'cli-head-start-reaches-the-kdf-only': { 'main/cli/kdf-head-start.ts': "import '../vault/vault';" },
  'renderer-imports-shared-and-react': { 'renderer/app.ts': "import '../main/service/index';" },
  'emulators-only-from-tests-and-devices': { 'main/service/sync.ts': "import '../keys/emulators/yubikey';" },
};

const support: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: true } }),
  'main/service/index.ts': 'export const service = 1;',
  'main/vault/vault.ts': 'export const vault = 1;',
  'main/enroll/index.ts': 'export const enroll = 1;',
  'main/keys/emulators/yubikey.ts': 'export const emulator = 1;',
};

let root: string;
let violations: { from: string; rule: string }[];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'latchkey-deps-'));
  for (const [path, text] of Object.entries({ ...support, ...Object.assign({}, ...Object.values(probes)) as Record<string, string> })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  violations = cruise();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const reportSchema = z.object({
  summary: z.object({ violations: z.array(z.object({ from: z.string(), rule: z.object({ name: z.string() }) })) }),
});

function cruise(): { from: string; rule: string }[] {
  let output: string;
  try {
    output = execFileSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'depcruise'),
      ['main', 'shared', 'renderer', '--config', join(REPO_ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'],
      { cwd: root, encoding: 'utf8' },
    );
  } catch (error) {
    // depcruise exits non-zero when it finds violations; its report is still on stdout.
    output = String((error as { stdout?: unknown }).stdout);
  }
  return reportSchema.parse(JSON.parse(output)).summary.violations.map((v) => ({ from: v.from, rule: v.rule.name }));
}

describe('dependency rules', () => {
  it('pass the support files alone (the probes are what fail)', () => {
    expect(violations.filter((v) => Object.keys(support).includes(v.from))).toEqual([]);
  });

  it.each(Object.entries(probes))('%s fails its forbidden import', (rule, files) => {
    const file = Object.keys(files)[0];
    expect(violations).toContainEqual({ from: file, rule });
  });
});
