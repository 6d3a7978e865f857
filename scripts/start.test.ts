import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../main/test-support/facts.js';

describe('npm start without Electrons binary', () => {
  it('prints one clear line and exits with the documented code 69', () => {
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, LATCHKEY_SKIP_BUILD: '1', ELECTRON_OVERRIDE_DIST_PATH: join(REPO_ROOT, 'no-electron-here'), LATCHKEY_CHROMIUM: join(REPO_ROOT, 'no-chromium-here') },
    });
    expect(result.status).toBe(69);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^latchkey: Electron's binary is not installed.*npx install-electron/);
  });
});
