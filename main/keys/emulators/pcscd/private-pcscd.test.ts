import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEmulatedCard } from '../test-support/vpcd-card.js';
import { openEmulatedYubiKeyOath } from '../yubikey-oath.js';
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

  it.skipIf(!ykmanPresent)('with logApdus, its log has one "APDU:" line per command the card answered (how the bench counts ykman\'s)', async () => {
    const logging = await startPrivatePcscd({ logApdus: true });
    let answered = 0;
    // The card may live in this process here: ykman, not this process, is the PC/SC client.
    const card = openEmulatedYubiKeyOath({ onApdu: () => answered++ });
    const inserted = await insertEmulatedCard(logging, card);
    try {
      const result = await logging.run('ykman', ['--reader', logging.readerName, 'oath', 'accounts', 'list'], { env: { HOME: logging.configDir } });
      expect(result.code, result.stderr).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the log comes through a pipe
      expect(answered).toBeGreaterThan(1);
      expect(logging.log().match(/^\d{8} APDU: /gm)?.length).toBe(answered);
    } finally {
      await inserted.remove();
      await logging.stop();
    }
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

  it('dies with the process that started it, even one killed with SIGKILL', async () => {
    const starter = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { startPrivatePcscd } = await import(${JSON.stringify(new URL('./private-pcscd.ts', import.meta.url).pathname)});
      const pcscd = await startPrivatePcscd();
      console.log(JSON.stringify([pcscd.pid, pcscd.configDir]));
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [pid, configDir] = await new Promise<[number, string]>((resolve) => starter.stdout.once('data', (chunk: Buffer) => { resolve(JSON.parse(chunk.toString()) as [number, string]); }));
    expect(existsSync(`/proc/${String(pid)}`)).toBe(true);
    starter.kill('SIGKILL');
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(pid)).toBe(false);
    rmSync(configDir, { recursive: true, force: true }); // what the killed process could not clean
  });
});

/** Running (a zombie waiting for its new parent to reap it counts as gone). */
function isAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  } catch {
    return false;
  }
}
