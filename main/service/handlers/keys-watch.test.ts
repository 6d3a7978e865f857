import { describe, expect, it } from 'vitest';
import { createClient } from '../../../shared/client.js';
import { createEmulatedNitrokey3Backend } from '../../keys/emulators/nitrokey3.js';
import { KDF_FLOOR } from '../../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../../vault/test-support/test-runtime.js';
import { createService } from '../create-service.js';
import { createDevices, type Devices } from '../devices.js';
import { KEY_WATCH_MAX_HOLDERS, KeyWatchLeases, type LeaseTimer } from './keys-watch.js';

/** Timers the test fires by hand, each by its delay. */
function manualTimers() {
  const pending = new Set<{ run: () => void; ms: number }>();
  const timer: LeaseTimer & { fireAll(): void; readonly pending: number } = {
    set: (run, ms) => {
      const handle = { run, ms };
      pending.add(handle);
      return handle;
    },
    clear: (handle) => {
      pending.delete(handle as { run: () => void; ms: number });
    },
    fireAll: () => {
      const due = [...pending];
      pending.clear();
      for (const handle of due) handle.run();
    },
    get pending() {
      return pending.size;
    },
  };
  return timer;
}

/** A watch start that counts how many watches are running. */
function countingStart() {
  const state = { running: 0, started: 0 };
  return {
    state,
    start: () => {
      state.running++;
      state.started++;
      return () => {
        state.running--;
      };
    },
  };
}

describe('KeyWatchLeases', () => {
  it('runs one watch for any number of holders, until the last one releases', () => {
    const { state, start } = countingStart();
    const leases = new KeyWatchLeases(start, { timer: manualTimers() });
    leases.hold('panel-aaaa');
    leases.hold('panel-bbbb');
    leases.hold('panel-aaaa'); // a renewal
    expect(state).toEqual({ running: 1, started: 1 });
    leases.release('panel-aaaa');
    expect(state.running).toBe(1);
    leases.release('panel-unknown');
    expect(state.running).toBe(1);
    leases.release('panel-bbbb');
    expect(state.running).toBe(0);
    expect(leases.holders).toBe(0);
  });

  it('stops the watch when a holder never renews nor releases (a page that reloaded or went away)', () => {
    const { state, start } = countingStart();
    const timer = manualTimers();
    const leases = new KeyWatchLeases(start, { timer, leaseMs: 5000 });
    leases.hold('page-that-reloads');
    expect(state.running).toBe(1);
    expect(timer.pending).toBe(1);
    timer.fireAll();
    expect(state.running).toBe(0);
    expect(timer.pending).toBe(0);
  });

  it('a renewal replaces the running lease: only the latest one can end it', () => {
    const { state, start } = countingStart();
    const timer = manualTimers();
    const leases = new KeyWatchLeases(start, { timer });
    leases.hold('panel-aaaa');
    leases.hold('panel-aaaa');
    expect(timer.pending).toBe(1);
    leases.release('panel-aaaa');
    expect(timer.pending).toBe(0);
    expect(state.running).toBe(0);
  });
});

describe('KeyWatchLeases.endAll (the service shutting down)', () => {
  it('stops the watch whoever holds it, clears every lease timer, and starts no watch after', () => {
    const { state, start } = countingStart();
    const timer = manualTimers();
    const leases = new KeyWatchLeases(start, { timer });
    leases.hold('panel-aaaa');
    leases.hold('panel-bbbb');
    leases.endAll();
    expect(state).toEqual({ running: 0, started: 1 });
    expect(timer.pending).toBe(0);
    expect(leases.holders).toBe(0);
    expect(() => {
      leases.hold('panel-late');
    }).toThrow('Latchkey is closing');
    leases.release('panel-aaaa');
    expect(state).toEqual({ running: 0, started: 1 });
  });
});

describe('KeyWatchLeases, bounded', () => {
  it('refuses a new holder past the cap (a page minting ids in a loop), still renews the ones it has', () => {
    const { state, start } = countingStart();
    const leases = new KeyWatchLeases(start, { timer: manualTimers() });
    for (let i = 0; i < KEY_WATCH_MAX_HOLDERS; i++) leases.hold(`holder-${String(i).padStart(4, '0')}`);
    expect(() => {
      leases.hold('one-too-many');
    }).toThrow(/already held by 16 panels/);
    leases.hold('holder-0000');
    expect(leases.holders).toBe(KEY_WATCH_MAX_HOLDERS);
    expect(state).toEqual({ running: 1, started: 1 });
  });
});

describe('keys.watch through the service', () => {
  /** A Nitrokey 3 behind the real devices, whose watch starts and stops are counted. */
  function countedDevices() {
    const key = createEmulatedNitrokey3Backend({ serial: 0x0badcafe });
    const real = createDevices({ backend: { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('no OTP keys here')) }, fido: key, pcsc: { listReaders: () => Promise.resolve([]), watch: () => Promise.resolve({ stop: () => Promise.resolve() }), connect: () => Promise.reject(new Error('no readers')) } });
    const counts = { running: 0 };
    const devices: Devices = {
      ...real,
      watchKeys: (listener) => {
        counts.running++;
        const stop = real.watchKeys(listener);
        return () => {
          counts.running--;
          stop();
        };
      },
    };
    return { key, devices, counts };
  }

  it("ends main's watch when the page that asked for it stops renewing, and tells keys.changed on a Nitrokey 3's plug while on", async () => {
    const { key, devices, counts } = countedDevices();
    const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices, watchLeaseMs: 300 } });
    const client = createClient((channel, payload) => service.dispatch(channel, payload));
    let changes = 0;
    service.onEvent((name) => {
      if (name === 'keys.changed') changes++;
    });

    const reply = await client.call('keys.watch', { on: true, holder: 'page-one-0001' });
    expect(reply.leaseMs).toBe(300);
    expect(counts.running).toBe(1);
    // The first listing tells what is present; then an unplug is told without anyone asking.
    await expect.poll(() => changes).toBeGreaterThan(0);
    const before = changes;
    key.unplug();
    // While the page renews its lease (as the open panel does), the unplug is told.
    await expect
      .poll(
        async () => {
          await client.call('keys.watch', { on: true, holder: 'page-one-0001' });
          return changes;
        },
        { timeout: 3000, interval: 100 },
      )
      .toBeGreaterThan(before);
    expect(counts.running).toBe(1);

    // The page reloads: no `off`, no renewal. The lease runs out and main's watch stops.
    await expect.poll(() => counts.running, { timeout: 2000 }).toBe(0);
    const after = changes;
    key.plugIn();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(changes).toBe(after);
  });

  it("keeps the watch while one page renews, whatever another page's lease does; refuses a malformed holder", async () => {
    const { devices, counts } = countedDevices();
    const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices, watchLeaseMs: 300 } });
    const client = createClient((channel, payload) => service.dispatch(channel, payload));
    await client.call('keys.watch', { on: true, holder: 'window-main-01' });
    await client.call('keys.watch', { on: true, holder: 'window-other-1' });
    await client.call('keys.watch', { on: false, holder: 'window-other-1' });
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await client.call('keys.watch', { on: true, holder: 'window-main-01' });
    }
    expect(counts.running).toBe(1);
    await client.call('keys.watch', { on: false, holder: 'window-main-01' });
    expect(counts.running).toBe(0);
    const refused = await service.dispatch('keys.watch', { on: true, holder: 'Not A Holder!' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toContain('holder must be 8–64 lowercase letters');
  });

  it('ends the watch on shutdown, though a page still holds its lease; a keys.watch after is refused and starts none', async () => {
    const { devices, counts } = countedDevices();
    const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices } });
    const client = createClient((channel, payload) => service.dispatch(channel, payload));
    await client.call('keys.watch', { on: true, holder: 'window-main-01' });
    expect(counts.running).toBe(1);
    await service.shutdown();
    expect(counts.running).toBe(0);
    await expect(client.call('keys.watch', { on: true, holder: 'window-main-01' })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(counts.running).toBe(0);
  });
});
