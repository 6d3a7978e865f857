import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../test-support/facts.js';
import type { VaultRuntime } from '../runtime.js';
import { unlockVault } from '../unlock-vault.js';

export interface CrashRunResult {
  readonly commits: number;
  /** True when the child was killed after it had started writing: a mid-run kill. */
  readonly midRun: boolean;
}

interface State {
  password: string;
  pendingPassword: string | undefined;
  readonly accounts: Map<string, { label: string; secretHex: string }>;
  readonly hotp: Map<string, bigint>;
}

export function newCrashState(password: string): State {
  return { password, pendingPassword: undefined, accounts: new Map(), hotp: new Map() };
}

/**
 * Bundles the writer once into node_modules/.cache (so its packages resolve from the repo): a plain
 * `node` start is a tenth of a TypeScript loader's, and the test spawns it dozens of times.
 */
export async function buildCrashChild(): Promise<string> {
  const outfile = join(REPO_ROOT, 'node_modules', '.cache', 'latchkey', 'crash-child.mjs');
  await build({
    entryPoints: [join(REPO_ROOT, 'main/vault/test-support/crash-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** Starts the writer, kills it after `killAfterMs` of writing, and folds its reported commits into `state`. */
export async function crashOnce(
  child: { script: string; kdfCache: string },
  path: string,
  state: State,
  killAfterMs: number,
  seed: number,
  /** Start the kill timer at `ready` (can land before any write) or at the first reported commit. */
  armOn: 'ready' | 'first-commit' = 'first-commit',
): Promise<CrashRunResult> {
  const writer = spawn(process.execPath, [child.script, path, state.password, String(seed)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LATCHKEY_TEST_KDF_CACHE: child.kdfCache },
  });
  let buffered = '';
  let commits = 0;
  const progress = { ready: false, armed: false };
  const lines: string[] = [];
  writer.stdout.setEncoding('utf8');
  writer.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
    if (!progress.ready && parts.includes('ready')) progress.ready = true;
    const armed = armOn === 'ready' ? progress.ready : parts.some((line) => line.startsWith('commit '));
    if (armed && !progress.armed) {
      progress.armed = true;
      setTimeout(() => writer.kill('SIGKILL'), killAfterMs);
    }
  });
  const exit = await new Promise<NodeJS.Signals | null>((resolve) => writer.once('exit', (_code, signal) => { resolve(signal); }));
  for (const line of lines) {
    const [kind, op, ...rest] = line.split(' ');
    if (kind === 'begin' && op === 'passwd') state.pendingPassword = rest.join(' ');
    if (kind !== 'commit') continue;
    commits++;
    if (op === 'add') state.accounts.set(rest[0] ?? '', { label: rest[1] ?? '', secretHex: rest[2] ?? '' });
    if (op === 'hotp') state.hotp.set(rest[0] ?? '', BigInt(rest[1] ?? '0'));
    if (op === 'passwd') {
      state.password = rest.join(' ');
      state.pendingPassword = undefined;
    }
  }
  return { commits, midRun: exit === 'SIGKILL' && progress.ready && commits > 0 };
}

/** Every reported commit is there, intact; the vault opens with exactly one of the old/new passwords. */
export async function assertCommitsIntact(path: string, state: State, runtime: VaultRuntime): Promise<void> {
  const candidates = [...new Set([state.password, ...(state.pendingPassword === undefined ? [] : [state.pendingPassword])])];
  const opened: string[] = [];
  for (const password of candidates) {
    try {
      (await unlockVault(path, { password }, runtime)).lock();
      opened.push(password);
    } catch {
      // Not this one.
    }
  }
  expect(opened).toHaveLength(1);
  state.password = opened[0] ?? state.password;
  state.pendingPassword = undefined;

  const session = await unlockVault(path, { password: state.password }, runtime);
  try {
    expect(session.verify()).toMatchObject({ damaged: [], manifest: 'ok' });
    const byId = new Map(session.list().accounts.map((account) => [account.id, account]));
    for (const [id, expected] of state.accounts) {
      expect(byId.get(id)?.label).toBe(expected.label);
      expect(session.withSecret(id, (secret) => Buffer.from(secret).toString('hex'))).toBe(expected.secretHex);
    }
    for (const [id, counter] of state.hotp) {
      const stored = byId.get(id);
      const storedCounter = stored?.type === 'hotp' ? stored.counter : -1n;
      // The increment after the last report may have committed before the kill.
      expect([counter, counter + 1n]).toContain(storedCounter);
      state.hotp.set(id, storedCounter);
    }
  } finally {
    session.lock();
  }
}
