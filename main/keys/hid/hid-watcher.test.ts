import { describe, expect, it } from 'vitest';
import type { HidDescriptor } from './hid-device.js';
import { HidWatcher, type HidChange, type PollTimer } from './hid-watcher.js';
import { isYubiKeyOtpInterface } from './yubico.js';

const key = (path: string, extra: Partial<HidDescriptor> = {}): HidDescriptor => ({
  vendorId: 0x1050,
  productId: 0x0407,
  serialNumber: undefined,
  interfaceNumber: 0,
  usagePage: 1,
  usage: 6,
  path,
  product: 'YubiKey',
  manufacturer: 'Yubico',
  ...extra,
});
const fido = key('/dev/hidraw9', { usagePage: 0xf1d0, usage: 1 });

/** A backend whose device list the test sets, counting how often it is asked. */
function fakeBackend(initial: HidDescriptor[] = []) {
  const backend = {
    present: initial,
    calls: 0,
    fail: false,
    devices: () => {
      backend.calls++;
      return backend.fail ? Promise.reject(new Error('no udev')) : Promise.resolve(backend.present);
    },
  };
  return backend;
}

/** A timer that fires only when the test says so. */
function manualTimer() {
  const timer = {
    pending: undefined as { run: () => void; ms: number } | undefined,
    set: (run: () => void, ms: number) => {
      timer.pending = { run, ms };
      return timer.pending;
    },
    clear: (handle: unknown) => {
      if (handle === timer.pending) timer.pending = undefined;
    },
    /** Fires the pending poll and waits for its listing to be told. */
    async fire() {
      const pending = timer.pending;
      if (pending === undefined) throw new Error('nothing is scheduled');
      timer.pending = undefined;
      pending.run();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return timer satisfies PollTimer;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const summary = (changes: HidChange[]) => changes.map((change) => `${change.kind} ${change.descriptor.path}`);

describe('HidWatcher', () => {
  it('does not list devices while nobody subscribes', async () => {
    const backend = fakeBackend([key('/dev/hidraw1')]);
    const timer = manualTimer();
    new HidWatcher({ backend, timer, intervalMs: 500 });
    await settle();
    expect(backend.calls).toBe(0);
    expect(timer.pending).toBeUndefined();
  });

  it('tells a subscriber what is present, then each plug and unplug, polling at the injected interval', async () => {
    const backend = fakeBackend([key('/dev/hidraw1'), fido]);
    const timer = manualTimer();
    const watcher = new HidWatcher({ backend, timer, intervalMs: 500, filter: isYubiKeyOtpInterface });
    const changes: HidChange[] = [];
    const unsubscribe = watcher.subscribe((change) => changes.push(change));
    await settle();
    expect(summary(changes)).toEqual(['added /dev/hidraw1']);
    expect(timer.pending?.ms).toBe(500);

    backend.present = [key('/dev/hidraw1'), key('/dev/hidraw2')];
    await timer.fire();
    backend.present = [key('/dev/hidraw2')];
    await timer.fire();
    await timer.fire();
    expect(summary(changes)).toEqual(['added /dev/hidraw1', 'added /dev/hidraw2', 'removed /dev/hidraw1']);
    expect(watcher.current().map((d) => d.path)).toEqual(['/dev/hidraw2']);
    expect(backend.calls).toBe(4);

    unsubscribe();
    expect(timer.pending).toBeUndefined();
    expect(backend.calls).toBe(4);
  });

  it('a key replugged on the same path as another key is a removal and an addition', async () => {
    const backend = fakeBackend([key('/dev/hidraw1', { productId: 0x0407 })]);
    const timer = manualTimer();
    const watcher = new HidWatcher({ backend, timer });
    const changes: HidChange[] = [];
    watcher.subscribe((change) => changes.push(change));
    await settle();
    backend.present = [key('/dev/hidraw1', { productId: 0x0403 })];
    await timer.fire();
    expect(changes.map((change) => `${change.kind} ${change.descriptor.productId.toString(16)}`)).toEqual(['added 407', 'removed 407', 'added 403']);
  });

  it('polls once for several subscribers; a late one is told what is already present; the last to leave stops it', async () => {
    const backend = fakeBackend([key('/dev/hidraw1')]);
    const timer = manualTimer();
    const watcher = new HidWatcher({ backend, timer });
    const first: HidChange[] = [];
    const second: HidChange[] = [];
    const leaveFirst = watcher.subscribe((change) => first.push(change));
    await settle();
    const leaveSecond = watcher.subscribe((change) => second.push(change));
    expect(summary(second)).toEqual(['added /dev/hidraw1']);
    await timer.fire();
    expect(backend.calls).toBe(2);
    leaveFirst();
    expect(timer.pending).toBeDefined();
    leaveSecond();
    expect(timer.pending).toBeUndefined();
  });

  it('a failed listing is reported and polling goes on', async () => {
    const backend = fakeBackend([key('/dev/hidraw1')]);
    backend.fail = true;
    const timer = manualTimer();
    const errors: unknown[] = [];
    const watcher = new HidWatcher({ backend, timer, onError: (error) => errors.push(error) });
    const changes: HidChange[] = [];
    watcher.subscribe((change) => changes.push(change));
    await settle();
    expect(errors).toHaveLength(1);
    backend.fail = false;
    await timer.fire();
    expect(summary(changes)).toEqual(['added /dev/hidraw1']);
  });
});
