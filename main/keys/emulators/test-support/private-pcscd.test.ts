import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePcscdMissing, startPrivatePcscd, type PrivatePcscd } from './private-pcscd.js';

const missing = privatePcscdMissing();
const ykmanPresent = spawnSync('which', ['ykman']).status === 0;

describe.skipIf(missing !== null && process.env['CI'] !== 'true')(`private pcscd${missing === null ? '' : ` (skipped: ${missing})`}`, () => {
  let pcscd: PrivatePcscd | null = null;

  beforeAll(async () => {
    if (missing === null) pcscd = await startPrivatePcscd();
  });
  afterAll(async () => {
    await pcscd?.stop();
  });

  it('can be started here (CI installs pcscd and vsmartcard-vpcd and runs as root)', () => {
    expect(missing).toBeNull();
  });

  it.skipIf(!ykmanPresent)('serves exactly its two vpcd readers, inside the namespace and through PCSCLITE_CSOCK_NAME', async () => {
    const started = pcscd;
    if (started === null) throw new Error('pcscd did not start');
    const inside = await started.run('ykman', ['list', '--readers']);
    expect(inside.stdout.trim().split('\n')).toEqual([started.readerName, started.readerName.replace(/ 00 00$/, ' 00 01')]);
    const outside = spawnSync('ykman', ['list', '--readers'], { env: { ...process.env, ...started.env }, encoding: 'utf8' });
    expect(outside.stdout).toBe(inside.stdout);
  });

  it('leaves the machine\'s /run alone and stops every process it started', async () => {
    const second = await startPrivatePcscd({ friendlyName: 'Latchkey Test Reader' });
    const sleeper = second.run('sleep', ['600']);
    expect(existsSync(second.socketPath)).toBe(true);
    await second.stop();
    const result = await sleeper;
    expect(result.signal).toBe('SIGKILL');
    expect(existsSync(`/proc/${String(second.pid)}`)).toBe(false);
    expect(existsSync(second.socketPath)).toBe(false);
  });
});
