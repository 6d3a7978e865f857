import type { Device as NodeHidDevice, HIDAsync } from 'node-hid';
import { LatchkeyError } from '../../../shared/errors.js';
import type { HidBackend, HidDescriptor, HidDevice } from './hid-device.js';
import { permissionFix } from './udev-rule.js';

/**
 * The node-hid adapter: the one file that imports node-hid (DESIGN.md's dependency rule). It is
 * loaded on first use, so the CLI's start-up never pays for the native addon, and a missing or
 * broken addon is KEY_SERVICE_UNAVAILABLE instead of a crash at import.
 *
 * Reports cross this file without the report-id byte: it adds 0x00 on every write and strips it on
 * reads that come back with it (9 bytes for an 8-byte feature report on Linux hidraw and Windows, 8
 * on macOS; sheet §2.4). Every native call is bounded in time, and every failure becomes one of our
 * errors: the device gone is KEY_UNPLUGGED, never a hang or a raw exception.
 */
/** What node-hid reports for one interface (re-exported so tests need not import node-hid). */
export type NodeHidDeviceInfo = NodeHidDevice;

export interface NodeHidModule {
  devicesAsync(): Promise<NodeHidDevice[]>;
  HIDAsync: { open(path: string, options?: { nonExclusive?: boolean }): Promise<HIDAsync> };
  getHidapiVersion?(): string;
}

export interface NodeHidBackendOptions {
  /** How node-hid is loaded; tests pass a fake module. */
  readonly load?: () => Promise<NodeHidModule>;
  readonly platform?: NodeJS.Platform;
  /** The longest one native call may take before it is KEY_TIMEOUT (a feature report takes a few ms). */
  readonly ioTimeoutMs?: number;
}

const DEFAULT_IO_TIMEOUT_MS = 5000;
const REPORT_ID = 0x00;

async function loadNodeHid(): Promise<NodeHidModule> {
  const module = (await import('node-hid')) as NodeHidModule & { default?: NodeHidModule };
  return module.default ?? module;
}

export function createNodeHidBackend(options: NodeHidBackendOptions = {}): HidBackend {
  const load = options.load ?? loadNodeHid;
  const platform = options.platform ?? process.platform;
  const ioTimeoutMs = options.ioTimeoutMs ?? DEFAULT_IO_TIMEOUT_MS;
  let loaded: Promise<NodeHidModule> | undefined;

  const nodeHid = () => {
    loaded ??= load()
      .then((module) => {
        // node-hid loads its binding on the first call; make that happen here, where it is expected.
        module.getHidapiVersion?.();
        return module;
      })
      .catch((error: unknown) => {
        loaded = undefined;
        throw new LatchkeyError('KEY_SERVICE_UNAVAILABLE', `the USB HID support (node-hid) could not be loaded: ${messageOf(error)}`);
      });
    return loaded;
  };

  const devices = async (): Promise<HidDescriptor[]> => {
    const module = await nodeHid();
    let found: NodeHidDevice[];
    try {
      found = await bounded(module.devicesAsync(), ioTimeoutMs, 'listing HID devices');
    } catch (error) {
      if (error instanceof LatchkeyError) throw error;
      throw new LatchkeyError('KEY_SERVICE_UNAVAILABLE', `the system could not list HID devices: ${messageOf(error)}`);
    }
    return found.flatMap((device) => (device.path === undefined ? [] : [toDescriptor(device, device.path)]));
  };

  return {
    devices,
    async open(descriptor) {
      const module = await nodeHid();
      let handle: HIDAsync;
      try {
        handle = await bounded(module.HIDAsync.open(descriptor.path, { nonExclusive: true }), ioTimeoutMs, 'opening the key');
      } catch (error) {
        throw openError(error, platform);
      }
      const stillPresent = async () => (await devices()).some((present) => present.path === descriptor.path);
      return new NodeHidAdapterDevice(descriptor, handle, ioTimeoutMs, stillPresent);
    },
  };
}

export function toDescriptor(device: NodeHidDevice, path: string): HidDescriptor {
  return {
    vendorId: device.vendorId,
    productId: device.productId,
    serialNumber: device.serialNumber === '' ? undefined : device.serialNumber,
    interfaceNumber: device.interface >= 0 ? device.interface : undefined,
    // Usage page 0 is "undefined" in HID: what platforms report when they don't know.
    usagePage: device.usagePage === 0 ? undefined : device.usagePage,
    usage: device.usagePage === 0 ? undefined : device.usage,
    path,
    product: device.product,
    manufacturer: device.manufacturer,
  };
}

class NodeHidAdapterDevice implements HidDevice {
  private closed = false;
  private gone: LatchkeyError | undefined;

  constructor(
    readonly descriptor: HidDescriptor,
    private readonly handle: HIDAsync,
    private readonly ioTimeoutMs: number,
    private readonly stillPresent: () => Promise<boolean>,
  ) {}

  async sendFeatureReport(report: Uint8Array): Promise<void> {
    await this.io('writing a feature report', () => this.handle.sendFeatureReport(withReportId(report)));
  }

  async getFeatureReport(length: number): Promise<Uint8Array> {
    const data = await this.io('reading a feature report', () => this.handle.getFeatureReport(REPORT_ID, length + 1));
    return stripReportId(Uint8Array.from(data), length);
  }

  async write(report: Uint8Array): Promise<void> {
    await this.io('writing a report', () => this.handle.write(withReportId(report)));
  }

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    const data = await this.io('reading a report', () => this.handle.read(timeoutMs), timeoutMs + this.ioTimeoutMs);
    return data === undefined || data.length === 0 ? null : Uint8Array.from(data);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => undefined);
  }

  private async io<T>(what: string, call: () => Promise<T>, timeoutMs = this.ioTimeoutMs): Promise<T> {
    if (this.gone !== undefined) throw this.gone;
    if (this.closed) throw new LatchkeyError('KEY_UNPLUGGED', 'the key was closed');
    try {
      return await bounded(call(), timeoutMs, what);
    } catch (error) {
      const mapped = await this.ioError(error, what);
      if (mapped.code === 'KEY_UNPLUGGED' || mapped.code === 'KEY_TIMEOUT') {
        this.gone = mapped;
        await this.close();
      }
      throw mapped;
    }
  }

  /** Unplug errors read differently on each OS; when the message doesn't say, the device list does. */
  private async ioError(error: unknown, what: string): Promise<LatchkeyError> {
    if (error instanceof LatchkeyError) return error;
    const message = messageOf(error);
    const unplugged = new LatchkeyError('KEY_UNPLUGGED', `the key was unplugged while ${what}`);
    if (UNPLUGGED_PATTERN.test(message)) return unplugged;
    const present = await this.stillPresent().catch(() => false);
    return present ? new LatchkeyError('KEY_PROTOCOL', `the key failed ${what}: ${message}`) : unplugged;
  }
}

/** hidraw ENODEV/ESHUTDOWN, Windows ERROR_DEVICE_NOT_CONNECTED/ERROR_DEV_NOT_EXIST, IOKit's no-device and not-attached codes. */
const UNPLUGGED_PATTERN = /no such device|ENODEV|shut ?down|not connected|does not exist|e00002c0|e00002d9|e000404f|closed device|disconnected/i;
const PERMISSION_PATTERN = /permission denied|EACCES|EPERM|access is denied|not permitted|e00002e2|privilege/i;
const MISSING_PATTERN = /no such file|ENOENT|not found|could not find/i;

function openError(error: unknown, platform: NodeJS.Platform): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  const message = messageOf(error);
  if (PERMISSION_PATTERN.test(message)) return new LatchkeyError('KEY_PERMISSION_DENIED', permissionFix(platform), { platform });
  if (MISSING_PATTERN.test(message) || UNPLUGGED_PATTERN.test(message)) {
    return new LatchkeyError('KEY_NOT_FOUND', 'the key is no longer plugged in');
  }
  return new LatchkeyError('KEY_PROTOCOL', `the key could not be opened: ${message}`);
}

function withReportId(report: Uint8Array): Buffer {
  const data = Buffer.alloc(report.length + 1);
  data[0] = REPORT_ID;
  data.set(report, 1);
  return data;
}

/** 9 bytes for 8 asked: the platform left the report id in front; exactly 8: it did not. */
export function stripReportId(data: Uint8Array, length: number): Uint8Array {
  if (data.length === length + 1) return data.subarray(1);
  if (data.length === length) return data;
  throw new LatchkeyError('KEY_PROTOCOL', `the system returned a feature report of ${String(data.length)} bytes where ${String(length)} were expected`);
}

function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new LatchkeyError('KEY_TIMEOUT', `the system did not finish ${what} within ${String(ms)} ms`));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
