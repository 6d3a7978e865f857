import { performance } from 'node:perf_hooks';
import type { HidDevice } from '../main/keys/hid/hid-device.js';
import type { ApduTransport, NewOathCredential, OathSession } from '../main/keys/oath/index.js';

/**
 * What the OATH benchmarks share: the 32 credentials a key is filled with, the counting wrappers
 * (APDUs through the session's transport, CTAPHID packets through the HID device) and the three
 * operations timed on every key and path — list, all codes, put one — each in a session of its own,
 * SELECT included, as a CLI command or ykman's process runs them.
 */

export const CREDENTIAL_COUNT = 32;

/**
 * Credential `index` of the bench mix: TOTP only (what people keep on a key), mostly SHA1 with 6
 * digits and 30 s; every fourth SHA256 with 8 digits; every eighth a 60-s period, which a YubiKey's
 * CALCULATE ALL computes for the 30-s step, so the session asks for those again one by one. No
 * SHA512: the NK3 stores it but cannot compute it, and both keys get the same mix.
 */
export function benchCredential(index: number): NewOathCredential {
  const strong = index % 4 === 1;
  return {
    issuer: `Service ${String(index).padStart(2, '0')}`,
    account: `user${String(index)}@example.com`,
    type: 'totp',
    algorithm: strong ? 'SHA256' : 'SHA1',
    digits: strong ? 8 : 6,
    ...(index % 8 === 7 ? { period: 60 } : {}),
    // 20 bytes (SHA1's block-safe length) or 32 for SHA256, different per credential.
    secret: Uint8Array.from({ length: strong ? 32 : 20 }, (_, byte) => (index * 31 + byte * 7) & 0xff),
  };
}

/** How many 60-s credentials the mix has (each costs one more CALCULATE on a YubiKey). */
export const SIXTY_SECOND_COUNT = Array.from({ length: CREDENTIAL_COUNT }, (_, index) => benchCredential(index)).filter((credential) => credential.period === 60).length;

/** What passed for one operation: APDUs always, CTAPHID packets when the key is a HID device. */
export interface Exchanges {
  readonly apdus: number;
  readonly packets?: { readonly out: number; readonly in: number };
}

/** A key on one path (in process, through pcscd, over CTAPHID): a fresh session per call, counted. */
export interface KeyUnderTest {
  withSession<T>(work: (session: OathSession) => Promise<T>): Promise<{ readonly result: T; readonly exchanges: Exchanges }>;
}

export interface OperationCost {
  readonly exchanges: Exchanges;
  readonly medianMs: number;
  readonly runs: number;
}

export interface OathCosts {
  readonly list: OperationCost;
  readonly calculateAll: OperationCost;
  readonly put: OperationCost;
}

/** Counts the APDUs a session sends (one transmit = one command APDU and its answer). */
export function countingTransport(inner: ApduTransport): { readonly transport: ApduTransport; apdus(): number } {
  let apdus = 0;
  return {
    transport: {
      transmit: (apdu, options) => {
        apdus++;
        return inner.transmit(apdu, options);
      },
    },
    apdus: () => apdus,
  };
}

/** Counts 64-byte interrupt reports each way (a `read` that timed out carried none). */
export function countingHidDevice(inner: HidDevice): { readonly device: HidDevice; packets(): { out: number; in: number } } {
  const packets = { out: 0, in: 0 };
  return {
    device: {
      descriptor: inner.descriptor,
      sendFeatureReport: (report) => inner.sendFeatureReport(report),
      getFeatureReport: (length) => inner.getFeatureReport(length),
      write: (report) => {
        packets.out++;
        return inner.write(report);
      },
      read: async (timeoutMs) => {
        const report = await inner.read(timeoutMs);
        if (report !== null) packets.in++;
        return report;
      },
      close: () => inner.close(),
    },
    packets: () => ({ ...packets }),
  };
}

/** Writes the 32 credentials (one session); the key must be empty and hold at least 33. */
export async function fillWithBenchCredentials(key: KeyUnderTest): Promise<void> {
  await key.withSession(async (session) => {
    for (let index = 0; index < CREDENTIAL_COUNT; index++) await session.put(benchCredential(index));
  });
}

/**
 * Times list, all codes and put-one on a key holding the 32 bench credentials. Each put is undone
 * (a DELETE in a session of its own, outside the timing) so every run finds the same 32. Every
 * result is checked, so a figure never stands for an operation that failed quietly.
 */
export async function measureOathOperations(key: KeyUnderTest, runs: number): Promise<OathCosts> {
  const list = await timeOperation(key, runs, async (session) => {
    const listed = await session.list();
    if (listed.length !== CREDENTIAL_COUNT) throw new Error(`listed ${String(listed.length)} credentials, expected ${String(CREDENTIAL_COUNT)}`);
  });
  const calculateAll = await timeOperation(key, runs, async (session) => {
    const computed = (await session.calculateAll()).filter((calculation) => calculation.code !== null);
    if (computed.length !== CREDENTIAL_COUNT) throw new Error(`${String(computed.length)} codes computed, expected ${String(CREDENTIAL_COUNT)}`);
  });
  const extra = benchCredential(CREDENTIAL_COUNT);
  const put = await timeOperation(
    key,
    runs,
    (session) => session.put(extra),
    async (written) => {
      await key.withSession((session) => session.delete(written));
    },
  );
  return { list, calculateAll, put };
}

/** Median of `runs` timed sessions after 3 warm-up ones; `undo` runs after each, untimed. */
async function timeOperation<T>(key: KeyUnderTest, runs: number, work: (session: OathSession) => Promise<T>, undo?: (result: T) => Promise<void>): Promise<OperationCost> {
  const WARMUP = 3;
  const times: number[] = [];
  let exchanges: Exchanges = { apdus: 0 };
  for (let run = 0; run < WARMUP + runs; run++) {
    const start = performance.now();
    const done = await key.withSession(work);
    const elapsed = performance.now() - start;
    if (undo !== undefined) await undo(done.result);
    if (run >= WARMUP) times.push(elapsed);
    exchanges = done.exchanges;
  }
  return { exchanges, medianMs: median(times), runs };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** "21 APDUs" or "21 APDUs, 40 packets (19 out + 21 in)". */
export function describeExchanges(exchanges: Exchanges): string {
  const apdus = `${String(exchanges.apdus)} APDUs`;
  if (exchanges.packets === undefined) return apdus;
  const { out, in: inbound } = exchanges.packets;
  return `${apdus}, ${String(out + inbound)} packets (${String(out)} out + ${String(inbound)} in)`;
}
