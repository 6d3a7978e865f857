import { LatchkeyError, UsageError } from '../../shared/errors.js';
import type { HidBackend, HidDescriptor, HidDevice } from '../keys/hid/hid-device.js';
import { HidWatcher, type HidChange } from '../keys/hid/hid-watcher.js';
import { createNodeHidBackend } from '../keys/hid/node-hid.js';
import { isYubiKeyOtpInterface } from '../keys/hid/yubico.js';

/**
 * Where the service finds keys (DESIGN.md, "Hardware keys"): real ones through node-hid, or, when
 * asked (`--emulator yubikey-otp[:STATE]` on the CLI), emulated ones instead. Both come out as a
 * HidDevice, so the drivers above cannot tell them apart. Neither node-hid nor the emulator code is
 * loaded until a key is first looked for.
 */
export type EmulatorKind = 'yubikey-otp' | 'nitrokey3';

export interface EmulatorSpec {
  readonly kind: EmulatorKind;
  /** The state file separate runs share; absent = a fresh key kept in memory for this process. */
  readonly stateFile?: string;
}

/** One YubiKey OTP interface the service may open. */
export interface YubiKeyOtpCandidate {
  readonly descriptor: HidDescriptor;
  readonly emulated: boolean;
  open(): Promise<HidDevice>;
}

export interface Devices {
  /** The YubiKey OTP interfaces present now. */
  yubiKeyOtp(): Promise<YubiKeyOtpCandidate[]>;
  /** Plug and unplug of YubiKey OTP interfaces, polled only while subscribed; emulators never change. */
  watchYubiKeyOtp(listener: (change: HidChange) => void): () => void;
}

export interface DevicesOptions {
  /** The CLI's `--emulator` values; when any is given, real keys are not looked for. */
  readonly emulators?: readonly string[];
  /** Real keys' backend (tests pass a fake); node-hid by default. */
  readonly backend?: HidBackend;
}

const KINDS: readonly EmulatorKind[] = ['yubikey-otp', 'nitrokey3'];

export function parseEmulatorSpec(value: string): EmulatorSpec {
  const colon = value.indexOf(':');
  const kind = colon === -1 ? value : value.slice(0, colon);
  const stateFile = colon === -1 ? undefined : value.slice(colon + 1);
  if (!KINDS.includes(kind as EmulatorKind)) throw new UsageError(`--emulator: unknown key kind "${kind}" (known: ${KINDS.join(', ')})`);
  if (stateFile === '') throw new UsageError('--emulator: the state file after ":" is empty');
  return stateFile === undefined ? { kind: kind as EmulatorKind } : { kind: kind as EmulatorKind, stateFile };
}

export function createDevices(options: DevicesOptions = {}): Devices {
  const specs = (options.emulators ?? []).map(parseEmulatorSpec);
  return specs.length > 0 ? emulatedDevices(specs) : realDevices(options.backend ?? createNodeHidBackend());
}

function realDevices(backend: HidBackend): Devices {
  const watcher = new HidWatcher({ backend, filter: isYubiKeyOtpInterface });
  return {
    async yubiKeyOtp() {
      const found = (await backend.devices()).filter(isYubiKeyOtpInterface);
      return found.map((descriptor) => ({ descriptor, emulated: false, open: () => backend.open(descriptor) }));
    },
    watchYubiKeyOtp: (listener) => watcher.subscribe(listener),
  };
}

function emulatedDevices(specs: readonly EmulatorSpec[]): Devices {
  const otpSpecs = specs.filter((spec) => spec.kind === 'yubikey-otp');
  // One emulated key per spec for the life of the process: its state lives in it (and in its file).
  let keys: Promise<HidDevice[]> | undefined;
  const load = () => (keys ??= openEmulators(otpSpecs));
  return {
    async yubiKeyOtp() {
      return (await load()).map((key) => ({ descriptor: key.descriptor, emulated: true, open: () => Promise.resolve(borrowed(key)) }));
    },
    watchYubiKeyOtp: (listener) => {
      let active = true;
      void load().then((found) => {
        if (active) for (const key of found) listener({ kind: 'added', descriptor: key.descriptor });
      });
      return () => {
        active = false;
      };
    },
  };
}

async function openEmulators(specs: readonly EmulatorSpec[]): Promise<HidDevice[]> {
  if (specs.length === 0) return [];
  const { openEmulatedYubiKeyOtp } = await import('../keys/emulators/yubikey-otp.js');
  return specs.map((spec) => openEmulatedYubiKeyOtp(spec.stateFile === undefined ? {} : { stateFile: spec.stateFile }));
}

/** The shared emulated key behind a handle whose close() ends only this use, not the key. */
function borrowed(key: HidDevice): HidDevice {
  let closed = false;
  const live = () => {
    if (closed) throw new LatchkeyError('KEY_UNPLUGGED', 'the key was closed');
    return key;
  };
  return {
    descriptor: key.descriptor,
    sendFeatureReport: async (report) => live().sendFeatureReport(report),
    getFeatureReport: async (length) => live().getFeatureReport(length),
    write: async (report) => live().write(report),
    read: async (timeoutMs) => live().read(timeoutMs),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}
