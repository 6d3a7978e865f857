import { LatchkeyError, UsageError } from '../../shared/errors.js';
import type { ApduTransport } from '../keys/apdu.js';
import type { HidBackend, HidDescriptor, HidDevice } from '../keys/hid/hid-device.js';
import { HidWatcher } from '../keys/hid/hid-watcher.js';
import { isNitrokey3FidoInterface } from '../keys/hid/nitrokey.js';
import { createNodeHidBackend } from '../keys/hid/node-hid.js';
import { isYubiKeyOtpInterface } from '../keys/hid/yubico.js';
import type { PcscBackend } from '../keys/pcsc/pcsc-backend.js';
import { isYubiKeyReader } from '../keys/pcsc/yubikey-reader.js';
import { watchKeyPlugs, type KeyPlugChange } from './key-plug-watch.js';

/**
 * Where the service finds keys (DESIGN.md, "Hardware keys"): real ones through node-hid, or, when
 * asked (`--emulator yubikey-otp[:STATE]` on the CLI), emulated ones instead. Both come out as a
 * HidDevice, so the drivers above cannot tell them apart. Neither node-hid nor the emulator code is
 * loaded until a key is first looked for.
 */
export type EmulatorKind = 'yubikey-otp' | 'yubikey-oath' | 'nitrokey3';

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

/** A key's OATH application: a YubiKey's over PC/SC, or a Nitrokey 3's Secrets App over CTAPHID. */
export type OathKeyKind = 'yubikey-oath' | 'nitrokey3';

/** One key with an OATH application the service may open. */
export interface OathKeyCandidate {
  readonly kind: OathKeyKind;
  readonly emulated: boolean;
  /**
   * One exclusive use of the key for one operation (the applet's state lives on the key): an APDU
   * transport, released after `work` whatever it throws. `trace` hears every APDU (PC/SC) or packet
   * (CTAPHID) as hex, secrets shown as lengths only.
   */
  use<T>(work: (transport: ApduTransport) => Promise<T>, trace?: (line: string) => void): Promise<T>;
}

/**
 * The OATH keys each transport could show: a transport that is missing (PC/SC with no pcscd or no
 * `smartcard` addon; HID with no node-hid) hides only its own keys, its KEY_SERVICE_UNAVAILABLE
 * (with the fix) kept in `unavailable`, so a Nitrokey 3 over HID is still found without pcscd.
 */
export interface OathKeysFound {
  readonly keys: OathKeyCandidate[];
  readonly unavailable: readonly LatchkeyError[];
}

export interface Devices {
  /** The YubiKey OTP interfaces present now. */
  yubiKeyOtp(): Promise<YubiKeyOtpCandidate[]>;
  /** The keys with an OATH application present now, and why a transport could not be asked. */
  oathKeys(): Promise<OathKeysFound>;
  /**
   * Plug and unplug of every kind of key (HID: YubiKey OTP, Nitrokey 3; PC/SC: a YubiKey's CCID
   * reader), watched only while subscribed (key-plug-watch.ts); the returned function stops it.
   */
  watchKeys(listener: (change: KeyPlugChange) => void): () => void;
}

export interface DevicesOptions {
  /** The CLI's `--emulator` values; when any is given, real keys are not looked for. */
  readonly emulators?: readonly string[];
  /** Real keys' backend (tests pass a fake); node-hid by default. */
  readonly backend?: HidBackend;
  /** Where YubiKey OATH cards are (tests: emulated cards with faults); the `smartcard` package by default. */
  readonly pcsc?: PcscBackend;
  /** Where Nitrokey 3 FIDO interfaces are (tests: an emulated key with faults); `backend` by default. */
  readonly fido?: HidBackend;
}

const KINDS: readonly EmulatorKind[] = ['yubikey-otp', 'yubikey-oath', 'nitrokey3'];

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
  const pcsc = options.pcsc ?? (emulated ? emulatedPcscBackend(specs) : realPcscBackend());
  const fido = options.fido ?? (emulated ? emulatedNitrokey3Backend(specs) : backend);
  // One HID poll for both kinds: the OTP interfaces and the Nitrokey 3 FIDO ones (one listing when they share a backend).
  const hidKeys = fido === backend ? backend : combinedBackend(() => Promise.resolve([backend, fido]));
  const watcher = new HidWatcher({ backend: hidKeys, filter: (descriptor) => isYubiKeyOtpInterface(descriptor) || isNitrokey3FidoInterface(descriptor) });
  return {
    async yubiKeyOtp() {
      const found = (await backend.devices()).filter(isYubiKeyOtpInterface);
      return found.map((descriptor) => ({ descriptor, emulated, open: () => backend.open(descriptor) }));
    },
    async oathKeys() {
      const [yubikeys, nitrokeys] = await Promise.all([
        unlessUnavailable(async () => (await pcsc.listReaders()).filter((reader) => reader.cardPresent && isYubiKeyReader(reader.name)).map((reader) => yubiKeyOathCandidate(pcsc, reader.name, emulated))),
        unlessUnavailable(async () => (await fido.devices()).filter(isNitrokey3FidoInterface).map((descriptor) => nitrokey3Candidate(fido, descriptor, emulated))),
      ]);
      return { keys: [...yubikeys.keys, ...nitrokeys.keys], unavailable: [...yubikeys.unavailable, ...nitrokeys.unavailable] };
    },
    watchKeys: (listener) => watchKeyPlugs(watcher, pcsc, listener),
  };
}

/** One transport's keys, or (its service missing) none and the reason; any other failure is thrown. */
async function unlessUnavailable(list: () => Promise<OathKeyCandidate[]>): Promise<OathKeysFound> {
  try {
    return { keys: await list(), unavailable: [] };
  } catch (error) {
    if (!isServiceUnavailable(error)) throw error;
    return { keys: [], unavailable: [error] };
  }
}

const isServiceUnavailable = (error: unknown): error is LatchkeyError => error instanceof LatchkeyError && error.code === 'KEY_SERVICE_UNAVAILABLE';

/**
 * `devices.oathKeys()`, where a whole refusal (a Devices that fails as one, as a test's stand-in
 * for a stopped pcscd does) counts as every key unavailable for that reason.
 */
export async function findOathKeys(devices: Devices): Promise<OathKeysFound> {
  try {
    return await devices.oathKeys();
  } catch (error) {
    if (!isServiceUnavailable(error)) throw error;
    return { keys: [], unavailable: [error] };
  }
}

/**
 * A key the user named (or the only key wanted) was not among those found: when a transport was
 * unavailable it may be behind it, so its reason and fix (KEY_SERVICE_UNAVAILABLE) are the error,
 * not KEY_NOT_FOUND.
 */
export function unavailableOr(found: OathKeysFound, notFound: () => LatchkeyError): LatchkeyError {
  return found.unavailable[0] ?? notFound();
}

/** A YubiKey's CCID reader: each use is one exclusive PC/SC connection, reset on release (trap 21). */
function yubiKeyOathCandidate(pcsc: PcscBackend, reader: string, emulated: boolean): OathKeyCandidate {
  return {
    kind: 'yubikey-oath',
    emulated,
    use: async (work, trace) => {
      const { withPcscCard } = await import('../keys/pcsc/pcsc-transport.js');
      return withPcscCard(pcsc, reader, (transport) => work(transport), trace === undefined ? {} : { trace });
    },
  };
}

/** A Nitrokey 3's FIDO interface: each use opens it, allocates a CTAPHID channel, and closes it after. */
function nitrokey3Candidate(fido: HidBackend, descriptor: HidDescriptor, emulated: boolean): OathKeyCandidate {
  return {
    kind: 'nitrokey3',
    emulated,
    use: async (work, trace) => {
      const { openSecretsAppTransport } = await import('../keys/ctaphid/vendor-apdu.js');
      const device = await fido.open(descriptor);
      try {
        return await work(await openSecretsAppTransport(device, trace === undefined ? {} : { trace: (line) => { trace(`ctaphid ${line}`); } }));
      } finally {
        // A key unplugged mid-way may refuse to close; the work's own error is the one to report.
        await device.close().catch(() => undefined);
      }
    },
  };
}

/** PC/SC through the optional `smartcard` package, loaded at the first listing. */
function realPcscBackend(): PcscBackend {
  let backend: Promise<PcscBackend> | undefined;
  const load = () => (backend ??= import('../keys/pcsc/smartcard-adapter.js').then(({ createSmartcardBackend }) => createSmartcardBackend()));
  return {
    listReaders: async () => (await load()).listReaders(),
    watch: async (listener) => (await load()).watch(listener),
    connect: async (reader, share) => (await load()).connect(reader, share),
  };
}

/** One emulated YubiKey OATH card per `yubikey-oath` spec, each in its own emulated reader, kept for the process. */
function emulatedPcscBackend(specs: readonly EmulatorSpec[]): PcscBackend {
  let backend: Promise<PcscBackend> | undefined;
  const load = () =>
    (backend ??= Promise.all([import('../keys/emulators/yubikey-oath.js'), import('../keys/emulators/yubikey-oath/pcsc.js')]).then(([{ openEmulatedYubiKeyOath }, { createEmulatedPcscBackend }]) =>
      createEmulatedPcscBackend(specs.filter((spec) => spec.kind === 'yubikey-oath').map((spec) => openEmulatedYubiKeyOath(spec.stateFile === undefined ? {} : { stateFile: spec.stateFile }))),
    ));
  return {
    listReaders: async () => (specs.some((spec) => spec.kind === 'yubikey-oath') ? (await load()).listReaders() : []),
    watch: async (listener) => (await load()).watch(listener),
    connect: async (reader, share) => (await load()).connect(reader, share),
  };
}

/** One emulated Nitrokey 3 per `nitrokey3` spec, as one HidBackend. */
function emulatedNitrokey3Backend(specs: readonly EmulatorSpec[]): HidBackend {
  const wanted = specs.filter((spec) => spec.kind === 'nitrokey3');
  let backends: Promise<HidBackend[]> | undefined;
  const load = () =>
    (backends ??= import('../keys/emulators/nitrokey3.js').then(({ createEmulatedNitrokey3Backend }) =>
      wanted.map((spec) => createEmulatedNitrokey3Backend(spec.stateFile === undefined ? {} : { stateFile: spec.stateFile })),
    ));
  return combinedBackend(() => (wanted.length === 0 ? Promise.resolve([]) : load()));
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
  return combinedBackend(load);
}

/** Several HID backends as one: listing is all of theirs, opening goes to the one that lists it. */
function combinedBackend(load: () => Promise<HidBackend[]>): HidBackend {
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
