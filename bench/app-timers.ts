import { createHook } from 'node:async_hooks';
import { basename } from 'node:path';
import { SETTINGS_LIMITS } from '../shared/settings-api.js';
import { createService, type Timers } from '../main/service/index.js';
import { KDF_FLOOR } from '../main/vault/index.js';
import { memoisedKdf, tempVaultPath, testClock, type TestClock } from '../main/vault/test-support/test-runtime.js';
import { bulkUris, clientFor, createUnlockedVault, importAccounts, keepUnlocked } from '../e2e/sample-accounts.js';
import { ACCOUNT_COUNT } from './app-common.js';
import type { BenchRow } from './measure.js';

const IDLE_MINUTES = 10;
const REAL_IDLE_MS = 5000;
const THIS_FILE = basename(import.meta.url);

/** "Class.method (file.js)" of the first frame of `stack` outside Node's internals and this file. */
function origin(stack: string | undefined): string {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const frame = /^\s*at (?:(.+?) \()?(.+?)(?::\d+)*\)?$/.exec(line);
    if (frame === null) continue;
    const [, fn, file = ''] = frame;
    if (file.startsWith('node:') || file.includes(THIS_FILE) || file === '<anonymous>') continue;
    return `${fn ?? '<anonymous>'} (${basename(file)})`;
  }
  return "Node's internals";
}

function tally(origins: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const o of origins) counts.set(o, (counts.get(o) ?? 0) + 1);
  return [...counts].map(([o, n]) => `${String(n)}× ${o}`).join(', ');
}

/** Timers on the test clock, counting what is set and what fires, and where each was set from. */
class CountingTimers implements Timers {
  private nextId = 1;
  private readonly queue = new Map<number, { due: number; run: () => void; origin: string }>();
  readonly set: string[] = [];
  readonly fired: string[] = [];

  constructor(private readonly clock: TestClock) {}

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    const from = origin(new Error().stack);
    this.queue.set(id, { due: this.clock.now() + Math.max(0, ms), run, origin: from });
    this.set.push(from);
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.queue.delete(handle as number);
  }

  pending(): string[] {
    return [...this.queue.values()].map((t) => `${t.origin} in ${((t.due - this.clock.now()) / 60_000).toFixed(0)} min`);
  }

  /** Moves the clock by `ms`, firing what falls due in order, and lets what they start finish. */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    for (;;) {
      const [id, due] = [...this.queue].filter(([, t]) => t.due <= end).sort(([, a], [, b]) => a.due - b.due)[0] ?? [];
      if (id === undefined || due === undefined) break;
      this.clock.advance(Math.max(0, due.due - this.clock.now()));
      this.queue.delete(id);
      this.fired.push(due.origin);
      due.run();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.clock.advance(end - this.clock.now());
  }
}

/**
 * The main process idle and unlocked: createService composed as the app does (clipboard, daily
 * backups on) but with counting Timers on the test clock, 1,000 accounts, then 10 minutes with no
 * request at all, a second at a time. Then a real idle window watched with async_hooks for Timeout
 * resources, to catch timers that bypass the injected ones.
 */
export async function benchAppTimers(): Promise<BenchRow[]> {
  const realTimers: { at: number; origin: string }[] = [];
  const realFired: { at: number; origin: string }[] = [];
  const origins = new Map<number, string>();
  let ignoreNext = false;
  const hook = createHook({
    init(asyncId, type) {
      if (type !== 'Timeout') return;
      if (ignoreNext) {
        ignoreNext = false; // the idle window's own timer
        return;
      }
      const from = origin(new Error().stack);
      origins.set(asyncId, from);
      realTimers.push({ at: Date.now(), origin: from });
    },
    before(asyncId) {
      const from = origins.get(asyncId);
      if (from !== undefined) realFired.push({ at: Date.now(), origin: from });
    },
  });
  hook.enable(); // before createService, so timers it starts at once are known by their origin
  try {
    const clock = testClock(Date.now());
    const timers = new CountingTimers(clock);
    const clipboard = { text: '' };
    const service = createService({
      clock,
      timers,
      vaultPath: tempVaultPath(),
      kdf: KDF_FLOOR,
      deriveKey: memoisedKdf(),
      appVersion: 'latchkey bench',
      clipboard: {
        write: (text) => {
          clipboard.text = text;
        },
        read: () => clipboard.text,
      },
    });
    const client = clientFor(service);
    await createUnlockedVault(client, 'benchmark password');
    await importAccounts(client, bulkUris(ACCOUNT_COUNT));
    const autoLockNote = await keepUnlocked(client);
    const setWhileUnlocking = [...timers.set];
    timers.set.length = 0;

    for (let second = 0; second < IDLE_MINUTES * 60; second++) await timers.advance(1000);
    const pendingAfterIdle = timers.pending();
    const { locked } = await client.call('vault.status', {});

    const windowStart = Date.now();
    ignoreNext = true;
    await new Promise((resolve) => setTimeout(resolve, REAL_IDLE_MS));
    const created = realTimers.filter((t) => t.at >= windowStart);
    const fired = realFired.filter((t) => t.at >= windowStart && t.at <= windowStart + REAL_IDLE_MS);
    service.lock();

    return [
      {
        name: `app: main wake-ups, ${String(IDLE_MINUTES)} idle min unlocked`,
        figure: `${String(timers.fired.length)} wake-ups`,
        peer: '',
        ratio: '',
        note: [
          `injected Timers on the test clock, ${ACCOUNT_COUNT.toLocaleString('en')} accounts, no requests`,
          `fired: ${timers.fired.length === 0 ? 'none' : tally(timers.fired)}`,
          `set while idle: ${timers.set.length === 0 ? 'none' : tally(timers.set)}`,
          `set while unlocking: ${setWhileUnlocking.length === 0 ? 'none' : tally(setWhileUnlocking)}`,
          `pending after the idle stretch: ${pendingAfterIdle.join(', ') || 'none'}`,
          locked ? 'LOCKED at the end' : 'still unlocked at the end',
          ...(autoLockNote === undefined ? [`auto-lock set to its longest, ${String(SETTINGS_LIMITS.autoLockMinutesMax)} min`] : [`auto-lock not lengthened: ${autoLockNote}`]),
          'door lock policies (main/electron) are outside createService and not counted',
        ].join('; '),
      },
      {
        name: `app: real Node timers, ${String(REAL_IDLE_MS / 1000)} s real idle`,
        figure: `${String(created.length)} created, ${String(fired.length)} fired`,
        peer: '',
        ratio: '',
        note: `async_hooks Timeout resources in the whole bench process while the service sits unlocked (the window's own timer excluded); created: ${created.length === 0 ? 'none' : tally(created.map((t) => t.origin))}; fired: ${fired.length === 0 ? 'none' : tally(fired.map((t) => t.origin))}; over the whole setup: ${String(realTimers.length)} created (${tally(realTimers.map((t) => t.origin)) || 'none'})`,
      },
    ];
  } finally {
    hook.disable();
  }
}
