import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../main/test-support/facts.js';

describe('npm start without Electron, with Debian Chromium', () => {
  it('--smoke renders the first screen of the real app headless and exits 0', () => {
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs'), '--smoke'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, LATCHKEY_SKIP_BUILD: '1', ELECTRON_OVERRIDE_DIST_PATH: join(REPO_ROOT, 'no-electron-here'), LATCHKEY_HOME: mkdtempSync(join(tmpdir(), 'latchkey-smoke-')) },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('smoke: rendered "Welcome to Latchkey"\n');
  });
});
