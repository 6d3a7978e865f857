import { performance } from 'node:perf_hooks';
import type { CDPSession } from 'playwright-core';
import { launchChromium, type AppPage } from '../e2e/harness.js';
import { testClock } from '../main/vault/test-support/test-runtime.js';
import { ACCOUNT_COUNT, appWithAccounts, mib, ROW_SELECTOR, waitForRows } from './app-common.js';
import type { BenchRow } from './measure.js';

const MINUTES = 10;
const TICK_MS = 1000;

/** One macrotask in the page that the fake clock does not control (MessageChannel is not faked). */
const YIELD = `new Promise((done) => { const c = new MessageChannel(); c.port1.onmessage = () => done(null); c.port2.postMessage(null); })`;

interface HeapSample {
  usedBytes: number;
  totalBytes: number;
  nodes: number;
  listeners: number;
}

async function sampleHeap(cdp: CDPSession): Promise<HeapSample> {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize, totalSize } = await cdp.send('Runtime.getHeapUsage');
  const { nodes, jsEventListeners } = await cdp.send('Memory.getDOMCounters');
  return { usedBytes: usedSize, totalBytes: totalSize, nodes, listeners: jsEventListeners };
}

/**
 * Lets the page finish what a tick started: the render it scheduled (one task after the timers
 * fired), then any calls to the service, their answers and what those render in turn.
 */
async function settle(app: AppPage): Promise<void> {
  for (;;) {
    await app.page.evaluate(YIELD);
    if (app.pending() === 0) return;
    while (app.pending() > 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The renderer's heap over 10 simulated minutes with 1,000 accounts: the page's clock is Playwright's
 * (installed before load, then paused) and the service's clock moves in step, a second at a time, so
 * the app ticks its rings and fetches the list at each code boundary as it would for real. Garbage is
 * collected (CDP) before each reading.
 */
export async function benchAppHeap(): Promise<BenchRow[]> {
  const browser = await launchChromium();
  try {
    const start = Math.ceil(Date.now() / 1000) * 1000;
    const clock = testClock(start);
    const { app, autoLockNote } = await appWithAccounts(browser, ACCOUNT_COUNT, {
      clock,
      beforeLoad: (page) => page.clock.install({ time: start }),
    });
    // The page's fake time has run on meanwhile; stop both clocks at the same whole second ahead.
    const t0 = start + 60_000;
    await app.page.clock.pauseAt(t0);
    clock.advance(t0 - clock.now());
    await app.page.reload();
    const pageNow = await app.page.evaluate<number>('Date.now()');
    if (pageNow !== t0) throw new Error(`the page's clock reads ${String(pageNow)} after reload, not ${String(t0)}`);
    const rows = await waitForRows(app, ACCOUNT_COUNT);
    await settle(app);
    const cdp = await app.page.context().newCDPSession(app.page);
    await cdp.send('Performance.enable');
    const scriptSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0;
    const samples = new Map<number, HeapSample>([[0, await sampleHeap(cdp)]]);
    const scriptBefore = await scriptSeconds();
    const started = performance.now();
    for (let second = 1; second <= MINUTES * 60; second++) {
      clock.advance(TICK_MS);
      await app.page.clock.runFor(TICK_MS);
      await settle(app);
      if (second === 60 || second === MINUTES * 60) samples.set(second / 60, await sampleHeap(cdp));
    }
    const simulatedIn = (performance.now() - started) / 1000;
    const scriptPerTick = ((await scriptSeconds()) - scriptBefore) * 1000 / (MINUTES * 60);
    const stillListed = await app.page.locator(ROW_SELECTOR).count();
    app.service.lock();
    const [at0, at1, at10] = [samples.get(0), samples.get(1), samples.get(MINUTES)];
    if (at0 === undefined || at1 === undefined || at10 === undefined) throw new Error('missing heap sample');
    const growth = at10.usedBytes - at1.usedBytes;
    const context = `${String(rows)} rows; ${String(MINUTES * 60)} one-second ticks simulated in ${simulatedIn.toFixed(0)} s, ${scriptPerTick.toFixed(0)} ms of page script per tick; after forced GC (CDP)`;
    return [
      {
        name: 'app: renderer heap after 1 simulated min',
        figure: mib(at1.usedBytes),
        peer: '',
        ratio: '',
        note: `JS heap used (Runtime.getHeapUsage; ${mib(at1.totalBytes)} allocated); ${String(at1.nodes)} DOM nodes, ${String(at1.listeners)} listeners; at first render ${mib(at0.usedBytes)}; ${context}`,
      },
      {
        name: `app: renderer heap after ${String(MINUTES)} simulated min`,
        figure: mib(at10.usedBytes),
        peer: `1 min: ${mib(at1.usedBytes)}`,
        ratio: `${(at10.usedBytes / at1.usedBytes).toFixed(2)}×`,
        note: `growth 1 → ${String(MINUTES)} min: ${growth >= 0 ? '+' : ''}${(growth / 1024).toFixed(0)} KiB; ${String(at10.nodes)} DOM nodes, ${String(at10.listeners)} listeners; ${stillListed === rows ? 'still unlocked and listing' : `list gone at the end (${String(stillListed)} rows)`}${autoLockNote === undefined ? '' : `; auto-lock not lengthened: ${autoLockNote}`}`,
      },
    ];
  } finally {
    await browser.close();
  }
}
