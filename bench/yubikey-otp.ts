import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createManualClock, systemKeyClock, type KeyClock } from '../main/keys/clock.js';
import { createNodeHidBackend } from '../main/keys/hid/node-hid.js';
import { ScriptedHidDevice, type ScriptStep } from '../main/keys/hid/scripted-hid-device.js';
import { YubiOtpSession } from '../main/keys/yubikey-otp/session.js';
import { openEmulatedYubiKeyOtp } from '../main/keys/emulators/yubikey-otp.js';
import type { HidDevice } from '../main/keys/hid/hid-device.js';
import type { BenchRow } from './measure.js';

/**
 * YubiKey OTP: feature reports and host time for programming a slot and one challenge-response,
 * against a scripted device that replays the vectors' conversations (so the key itself costs
 * nothing and answers at once), beside the reports yubikit's own sequence needs for the same
 * command (the same conversations, captured from yubikit). Plus one `devices()` listing through
 * node-hid: the price of each HidWatcher poll.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const vectors = JSON.parse(readFileSync(join(ROOT, '..', 'shared', 'vectors', 'yubikey-otp.json'), 'utf8')) as {
  vectors: {
    c_hmac_slot2_no_touch: { yubikit_conversation: ScriptStep[] };
    e_hmac_challenges_slot2: { cases: { challenge_6_bytes: { yubikit_conversation: ScriptStep[]; challenge_hex: string } } };
  };
};
const HMAC_KEY = Uint8Array.from(Buffer.from('303132333435363738393a3b3c3d3e3f40414243', 'hex'));
/** yubikit reads the status twice when its session opens (left out of the captured conversations). */
const YUBIKIT_OPEN_READS = 2;

async function medianAsync(run: () => Promise<void>, repeats = 51): Promise<number> {
  for (let i = 0; i < 5; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

interface Measured {
  readonly ours: { get: number; set: number };
  readonly yubikit: { get: number; set: number };
  readonly hostMs: number;
  readonly realPollMs: number;
}

async function measure(conversation: ScriptStep[], act: (session: YubiOtpSession) => Promise<unknown>): Promise<Measured> {
  const first = conversation[0];
  if (first === undefined) throw new Error('empty conversation');
  const once = async (clock: KeyClock) => {
    const device = new ScriptedHidDevice([first, ...conversation]);
    await act(await YubiOtpSession.open(device, { clock }));
    if (device.remaining !== 0) throw new Error('the driver stopped before the conversation ended');
    return device.log;
  };
  const log = await once(createManualClock());
  const count = (steps: readonly ScriptStep[], kind: 'GET' | 'SET') => steps.filter((step) => step[0] === kind).length;
  return {
    ours: { get: count(log, 'GET'), set: count(log, 'SET') },
    yubikit: { get: count(conversation, 'GET') + YUBIKIT_OPEN_READS, set: count(conversation, 'SET') },
    hostMs: await medianAsync(async () => {
      await once(createManualClock());
    }),
    realPollMs: await medianAsync(async () => {
      await once(systemKeyClock);
    }, 11),
  };
}

const reports = (counts: { get: number; set: number }) => `${String(counts.get + counts.set)} reports (${String(counts.get)} GET + ${String(counts.set)} SET)`;

export async function benchYubiKeyOtp(): Promise<BenchRow[]> {
  const program = await measure(vectors.vectors.c_hmac_slot2_no_touch.yubikit_conversation, (session) =>
    session.programChallengeResponse(2, { key: HMAC_KEY }),
  );
  const challengeCase = vectors.vectors.e_hmac_challenges_slot2.cases.challenge_6_bytes;
  const challenge = await measure(challengeCase.yubikit_conversation, (session) =>
    session.calculateHmacSha1(2, Buffer.from(challengeCase.challenge_hex, 'hex')),
  );

  const emulated = await measureAgainstEmulator(program, challenge, challengeCase.challenge_hex);

  const backend = createNodeHidBackend();
  let listed = 0;
  const listMs = await medianAsync(async () => {
    listed = (await backend.devices()).length;
  }, 21);

  const row = (name: string, m: Measured): BenchRow => ({
    name,
    figure: `${reports(m.ours)}; ${m.hostMs.toFixed(2)} ms host`,
    peer: `yubikit: ${reports(m.yubikit)}`,
    ratio: `${((m.ours.get + m.ours.set) / (m.yubikit.get + m.yubikit.set)).toFixed(2)}×`,
    note: `scripted device (vector conversation + our 1 open read); ${m.realPollMs.toFixed(1)} ms with real 20 ms busy polls`,
  });
  return [
    row('YubiKey OTP: program an HMAC-SHA1 slot (open + write)', program),
    row('YubiKey OTP: one challenge-response (open + 6-byte challenge)', challenge),
    ...emulated,
    {
      name: 'HID: one devices() listing (one HidWatcher poll)',
      figure: `${listMs.toFixed(2)} ms`,
      peer: '',
      ratio: '',
      note: `node-hid devicesAsync, hidraw; ${String(listed)} HID devices here (no keys); once a second only while a keys screen or operation watches`,
    },
  ];
}

/** Counts the reports that pass, in both directions. */
function counting(device: HidDevice): { device: HidDevice; counts: { get: number; set: number } } {
  const counts = { get: 0, set: 0 };
  return {
    counts,
    device: {
      descriptor: device.descriptor,
      sendFeatureReport: (report) => {
        counts.set++;
        return device.sendFeatureReport(report);
      },
      getFeatureReport: (length) => {
        counts.get++;
        return device.getFeatureReport(length);
      },
      write: (report) => device.write(report),
      read: (timeoutMs) => device.read(timeoutMs),
      close: () => device.close(),
    },
  };
}

/**
 * The same two commands against the emulated YubiKey 5 (written from the protocol sheet), on the real
 * clock: the driver's busy polls (20 ms) and the emulator's busy read after a write are real time
 * here, as they would be on a key, where flash writes add their own tens of milliseconds.
 */
async function measureAgainstEmulator(program: Measured, challenge: Measured, challengeHex: string): Promise<BenchRow[]> {
  const key = openEmulatedYubiKeyOtp();
  const run = async (act: (session: YubiOtpSession) => Promise<unknown>) => {
    const { device, counts } = counting(key);
    await act(await YubiOtpSession.open(device, { clock: systemKeyClock }));
    return counts;
  };
  const programOnce = () => run((session) => session.programChallengeResponse(2, { key: HMAC_KEY }, { overwrite: true }));
  const challengeOnce = () => run((session) => session.calculateHmacSha1(2, Buffer.from(challengeHex, 'hex')));
  const programCounts = await programOnce();
  const challengeCounts = await challengeOnce();
  const programMs = await medianAsync(async () => { await programOnce(); }, 21);
  const challengeMs = await medianAsync(async () => { await challengeOnce(); }, 21);
  const row = (name: string, counts: { get: number; set: number }, ms: number, peer: Measured): BenchRow => ({
    name,
    figure: `${reports(counts)}; ${ms.toFixed(1)} ms`,
    peer: `yubikit: ${reports(peer.yubikit)}`,
    ratio: `${((counts.get + counts.set) / (peer.yubikit.get + peer.yubikit.set)).toFixed(2)}×`,
    note: 'emulated YubiKey 5 in process, real clock (busy polls of 20 ms included); yubikit counts from its captured sequence',
  });
  return [
    row('YubiKey OTP: program an HMAC-SHA1 slot, against the emulator', programCounts, programMs, program),
    row('YubiKey OTP: one challenge-response, against the emulator', challengeCounts, challengeMs, challenge),
  ];
}
