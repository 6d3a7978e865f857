import { openSecretsAppTransport } from '../main/keys/ctaphid/index.js';
import { openEmulatedNitrokey3 } from '../main/keys/emulators/nitrokey3.js';
import { openEmulatedYubiKeyOath, type EmulatedYubiKeyOath } from '../main/keys/emulators/yubikey-oath.js';
import type { HidDevice } from '../main/keys/hid/hid-device.js';
import { nitrokey3Dialect, OathSession, yubikeyDialect } from '../main/keys/oath/index.js';
import type { BenchRow } from './measure.js';
import {
  CREDENTIAL_COUNT,
  SIXTY_SECOND_COUNT,
  countingHidDevice,
  countingTransport,
  describeExchanges,
  fillWithBenchCredentials,
  measureOathOperations,
  type KeyUnderTest,
  type OathCosts,
  type OperationCost,
} from './oath-operations.js';
import { measureThroughPcscd, pcscdBenchMissing, type PcscdFigures, type ProcessCost } from './oath-pcscd.js';

/**
 * `npm run bench -- oath`: APDUs (and CTAPHID packets) and time to list 32 credentials, compute
 * all their codes and put one more, on the emulated YubiKey (in process, and through a private
 * pcscd with the card in its own process) and the emulated Nitrokey 3 (in process, over CTAPHID);
 * beside ykman's own processes for the same listing and codes through the same pcscd.
 */

/** 5.7: 64 slots, so a 33rd credential fits beside the 32 (below 5.7 a YubiKey holds 32). */
const YUBIKEY_FIRMWARE = [5, 7, 1] as const;
const IN_PROCESS_RUNS = 51;

export async function benchOath(): Promise<BenchRow[]> {
  const yubikey = openEmulatedYubiKeyOath({ firmware: YUBIKEY_FIRMWARE });
  const yubikeyInProcess = inProcessYubiKey(yubikey);
  await fillWithBenchCredentials(yubikeyInProcess);
  const filled = yubikey.snapshot();
  const yubikeyCosts = await measureOathOperations(yubikeyInProcess, IN_PROCESS_RUNS);

  const nitrokey = openEmulatedNitrokey3();
  const nitrokeyInProcess = inProcessNitrokey3(nitrokey);
  await fillWithBenchCredentials(nitrokeyInProcess);
  const nitrokeyCosts = await measureOathOperations(nitrokeyInProcess, IN_PROCESS_RUNS);
  await nitrokey.close();

  const missing = await pcscdBenchMissing();
  const pcscd = missing === null ? await measureThroughPcscd(filled) : null;
  return [
    ...yubikeyRows(yubikeyCosts),
    ...(pcscd === null ? [skippedRow(missing ?? '')] : pcscdRows(pcscd, yubikeyCosts)),
    ...nitrokeyRows(nitrokeyCosts, yubikeyCosts),
  ];
}

/** The card's transmit as the transport; a power cycle after each session, as a PC/SC reset does. */
function inProcessYubiKey(card: EmulatedYubiKeyOath): KeyUnderTest {
  return {
    async withSession(work) {
      const counted = countingTransport({ transmit: (apdu) => card.transmit(apdu) });
      try {
        const result = await work(await OathSession.open(counted.transport, yubikeyDialect));
        return { result, exchanges: { apdus: counted.apdus() } };
      } finally {
        card.powerCycle();
      }
    },
  };
}

/** A new CTAPHID channel (INIT) per session on the one plugged-in key, as each command opens it. */
function inProcessNitrokey3(key: HidDevice): KeyUnderTest {
  return {
    async withSession(work) {
      const hid = countingHidDevice(key);
      const counted = countingTransport(await openSecretsAppTransport(hid.device));
      const result = await work(await OathSession.open(counted.transport, nitrokey3Dialect));
      return { result, exchanges: { apdus: counted.apdus(), packets: hid.packets() } };
    },
  };
}

const ms = (value: number) => (value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`);
const cost = (measured: OperationCost) => `${describeExchanges(measured.exchanges)}; ${ms(measured.medianMs)}`;
const ratio = (ours: number, peer: number) => `${(ours / peer).toFixed(2)}×`;

const OPERATIONS = [
  { key: 'list', label: `list ${String(CREDENTIAL_COUNT)} credentials` },
  { key: 'calculateAll', label: `all ${String(CREDENTIAL_COUNT)} codes` },
  { key: 'put', label: 'put one (33rd)' },
] as const satisfies readonly { key: keyof OathCosts; label: string }[];

function yubikeyRows(costs: OathCosts): BenchRow[] {
  const notes: Record<keyof OathCosts, string> = {
    list: 'SELECT, LIST and its SEND REMAINING parts',
    calculateAll: `SELECT, CALCULATE ALL (+ SEND REMAINING), then one CALCULATE for each of the ${String(SIXTY_SECOND_COUNT)} 60-s credentials`,
    put: 'SELECT, LIST (name free, room left), PUT; undone by a DELETE outside the timing',
  };
  return OPERATIONS.map(({ key, label }) => ({
    name: `YubiKey OATH, in process: ${label}`,
    figure: cost(costs[key]),
    peer: '',
    ratio: '',
    note: `emulated ${YUBIKEY_FIRMWARE.join('.')} card's transmit as the transport, median of ${String(costs[key].runs)}; ${notes[key]}`,
  }));
}

function pcscdRows(figures: PcscdFigures, inProcess: OathCosts): BenchRow[] {
  const link = `each APDU ≈ ${ms(figures.apduRoundTripMs)} over vpcd's TCP link (median in pcscd's log: vpcd writes a command's length and body separately without TCP_NODELAY, so the body waits out the card side's delayed ACK; a rig cost ykman pays alike, a USB key has none), the reset on release ≈ 2 more`;
  const seen: Partial<Record<keyof OathCosts, number>> = figures.oursSeenByPcscd;
  const sessions = OPERATIONS.map(({ key, label }) => ({
    name: `YubiKey OATH through pcscd: ${label}`,
    figure: `${cost(figures.ours[key])}${seen[key] === undefined ? '' : ` (pcscd saw ${String(seen[key])})`}`,
    peer: `in process: ${ms(inProcess[key].medianMs)}`,
    ratio: ratio(figures.ours[key].medianMs, inProcess[key].medianMs),
    note: `our PcscApduTransport (exclusive connect, reset on release) → private pcscd → vpcd → the card in its own process; median of ${String(figures.ours[key].runs)}; ${link}`,
  }));
  const { node, ykman } = figures.processes;
  const floors = `start-up floors in the same rounds: node -e '' ${ms(node.bare.medianMs)}${ykman === null ? '' : `, ykman --version ${ms(ykman.version.medianMs)}, python3 -c '' ${ms(ykman.python.medianMs)}`}`;
  const whole = (name: string, ours: ProcessCost, peer: ProcessCost | undefined, peerCommand: string): BenchRow => ({
    name,
    figure: `${ms(ours.medianMs)}, ${String(ours.apdus)} APDUs (node dist/bench/oath-pcsc-once.js)`,
    peer: peer === undefined ? 'ykman not installed' : `${ms(peer.medianMs)}, ${String(peer.apdus)} APDUs: ${peerCommand}`,
    ratio: peer === undefined ? '' : `${ratio(ours.medianMs, peer.medianMs)} time, ${ratio(ours.apdus, peer.apdus)} APDUs`,
    note: `whole processes through the same pcscd (nsenter), interleaved, medians of 7, APDUs counted in pcscd's log; ${floors}`,
  });
  const cli = figures.processes.latchkey;
  const linkMs = (apdus: number) => apdus * figures.apduRoundTripMs;
  const cliRow: BenchRow = {
    name: `CLI: latchkey keys credentials --emulator yubikey-oath:FILE, ${String(CREDENTIAL_COUNT)} credentials, whole process`,
    figure: `${ms(cli.credentials.medianMs)}, ${String(cli.credentials.apdus)} APDUs (counted with --trace)`,
    peer: ykman === null ? 'ykman not installed' : `${ms(ykman.list.medianMs)}, ${String(ykman.list.apdus)} APDUs: ykman --reader … oath accounts list, through pcscd`,
    ratio: ykman === null ? '' : ratio(cli.credentials.medianMs, ykman.list.medianMs),
    note:
      `the CLI's card is an emulator in its own process (no pcscd, no vpcd link)` +
      (ykman === null ? '' : `; ykman less its link (${String(ykman.list.apdus)} × ${ms(figures.apduRoundTripMs)}) ≈ ${ms(ykman.list.medianMs - linkMs(ykman.list.apdus))}`) +
      `; latchkey --version ${ms(cli.version.medianMs)} in the same rounds`,
  };
  return [
    ...sessions,
    cliRow,
    whole(`OATH list of ${String(CREDENTIAL_COUNT)}, whole process`, node.list, ykman?.list, 'ykman --reader … oath accounts list'),
    whole(`OATH all ${String(CREDENTIAL_COUNT)} codes, whole process`, node.code, ykman?.code, 'ykman --reader … oath accounts code'),
  ];
}

function skippedRow(missing: string): BenchRow {
  return { name: 'YubiKey OATH through pcscd, and ykman', figure: 'skipped', peer: '', ratio: '', note: `a private pcscd cannot run here: ${missing}` };
}

function nitrokeyRows(costs: OathCosts, yubikey: OathCosts): BenchRow[] {
  const notes: Record<keyof OathCosts, string> = {
    list: 'INIT, SELECT, LIST (v1, with properties)',
    calculateAll: 'no CALCULATE ALL on the NK3: INIT, SELECT, LIST, then one CALCULATE per credential',
    put: 'INIT, SELECT, PUT (the NK3 refuses a taken name itself: no LIST first); undone by a DELETE outside the timing',
  };
  return OPERATIONS.map(({ key, label }) => ({
    name: `Nitrokey 3 Secrets App, in process: ${label}`,
    figure: cost(costs[key]),
    peer: `YubiKey in process: ${String(yubikey[key].exchanges.apdus)} APDUs`,
    ratio: '',
    note: `emulated NK3 as a HidDevice, 64-byte CTAPHID packets, median of ${String(costs[key].runs)}; ${notes[key]}`,
  }));
}
