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
  const emulated = specs.length > 0;
  const backend = emulated ? emulatorBackend(specs) : (options.backend ?? createNodeHidBackend());
  const watcher = new HidWatcher({ backend, filter: isYubiKeyOtpInterface });
  return {
    async yubiKeyOtp() {
      const found = (await backend.devices()).filter(isYubiKeyOtpInterface);
      return found.map((descriptor) => ({ descriptor, emulated, open: () => backend.open(descriptor) }));
    },
    watchYubiKeyOtp: (listener) => watcher.subscribe(listener),
  };
}

/**
 * The emulators asked for, as one HidBackend: one emulated key per `yubikey-otp` spec, kept for the
 * life of the process (its state lives in it, and in its state file), each open a new connection.
 */
function emulatorBackend(specs: readonly EmulatorSpec[]): HidBackend {
  let backends: Promise<HidBackend[]> | undefined;
  const load = () =>
    (backends ??= import('../keys/emulators/yubikey-otp.js').then(({ createEmulatedYubiKeyOtpBackend }) =>
      specs
        .filter((spec) => spec.kind === 'yubikey-otp')
        .map((spec) => createEmulatedYubiKeyOtpBackend(spec.stateFile === undefined ? {} : { stateFile: spec.stateFile })),
    ));
  return {
    devices: async () => (await Promise.all((await load()).map((backend) => backend.devices()))).flat(),
    open: async (descriptor) => {
      for (const backend of await load()) {
        if ((await backend.devices()).some((listed) => listed.path === descriptor.path)) return backend.open(descriptor);
      }
      throw new LatchkeyError('KEY_NOT_FOUND', 'that emulated key is not plugged in');
    },
  };
}
