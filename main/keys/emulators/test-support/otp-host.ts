import type { HidDevice } from '../../hid/hid-device.js';

/**
 * The least host a test needs to talk to the emulated key: frames cut into reports as the sheet
 * says (§2.3) and a read loop (§2.5). Deliberately naive (no budgets, no touch events): the real
 * host is our driver, and yubikit.
 */
export function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

export function frameReports(command: number, payload: Uint8Array): Uint8Array[] {
  const frame = new Uint8Array(70);
  frame.set(payload.subarray(0, 64));
  const crc = crc16(frame.subarray(0, 64));
  frame[64] = command;
  frame[65] = crc & 0xff;
  frame[66] = crc >>> 8;
  const reports: Uint8Array[] = [];
  for (let seq = 0; seq < 10; seq++) {
    const part = frame.subarray(seq * 7, seq * 7 + 7);
    if (seq !== 0 && seq !== 9 && part.every((b) => b === 0)) continue;
    const report = new Uint8Array(8);
    report.set(part);
    report[7] = 0x80 | seq;
    reports.push(report);
  }
  return reports;
}

/** A 52-byte config struct with its `~crc16` (sheet §5). */
export function configStruct(fields: { uid: Uint8Array; key: Uint8Array; accessCode?: Uint8Array; ext: number; tkt: number; cfg: number }): Uint8Array {
  const config = new Uint8Array(52);
  config.set(fields.uid, 16);
  config.set(fields.key, 22);
  if (fields.accessCode) config.set(fields.accessCode, 38);
  config[45] = fields.ext;
  config[46] = fields.tkt;
  config[47] = fields.cfg;
  const crc = ~crc16(config.subarray(0, 50)) & 0xffff;
  config[50] = crc & 0xff;
  config[51] = crc >>> 8;
  return config;
}

/** An HMAC-SHA1 challenge-response config as ykman makes it; 20-byte key split over key/uid. */
export function hmacConfig(key: Uint8Array, options: { touch?: boolean; lt64?: boolean; accessCode?: Uint8Array } = {}): Uint8Array {
  const uid = new Uint8Array(6);
  uid.set(key.subarray(16, 20));
  return configStruct({
    uid,
    key: key.subarray(0, 16),
    ...(options.accessCode ? { accessCode: options.accessCode } : {}),
    ext: 0x24,
    tkt: 0x40,
    cfg: 0x22 | (options.lt64 === false ? 0 : 0x04) | (options.touch ? 0x08 : 0),
  });
}

export function configurePayload(config: Uint8Array, currentAccessCode?: Uint8Array): Uint8Array {
  const payload = new Uint8Array(64);
  payload.set(config);
  if (currentAccessCode) payload.set(currentAccessCode, 52);
  return payload;
}

export type HostResult = { kind: 'data'; data: Uint8Array } | { kind: 'status'; status: Uint8Array } | { kind: 'stuck' };

/** Sends a frame and reads until data (then writes the 0xff reset) or a plain status report. */
export async function transact(device: HidDevice, command: number, payload: Uint8Array, options: { onRead?: (r: Uint8Array) => void; maxReads?: number } = {}): Promise<HostResult> {
  for (const report of frameReports(command, payload)) await device.sendFeatureReport(report);
  let data = new Uint8Array(0);
  let seq = 0;
  for (let reads = 0; reads < (options.maxReads ?? 100); reads++) {
    const report = await device.getFeatureReport(8);
    options.onRead?.(report);
    const flags = report[7] ?? 0;
    if (flags & 0x40) {
      if ((flags & 0x1f) === seq) {
        data = Uint8Array.from([...data, ...report.subarray(0, 7)]);
        seq++;
      } else if ((flags & 0x1f) === 0) {
        await device.sendFeatureReport(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0xff));
        return { kind: 'data', data };
      }
    } else if (flags === 0) {
      return { kind: 'status', status: report };
    }
  }
  return { kind: 'stuck' };
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
