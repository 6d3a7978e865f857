import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { createManualClock } from '../clock.js';
import { YubiOtpSession } from '../yubikey-otp/session.js';
import { createNodeHidBackend, stripReportId, type NodeHidDeviceInfo as Device, type NodeHidModule } from './node-hid.js';
import type { HidBackend, HidDescriptor } from './hid-device.js';
import { UDEV_RULE } from './udev-rule.js';
import { isYubiKeyOtpInterface, yubiKeyOtpInterfaces } from './yubico.js';

/** The adapter against a fake node-hid module (the real one has no key to talk to here). */
const YUBIKEY_OTP: Device = {
  vendorId: 0x1050,
  productId: 0x0407,
  path: '/dev/hidraw3',
  serialNumber: '',
  manufacturer: 'Yubico',
  product: 'YubiKey OTP+FIDO+CCID',
  release: 0x0543,
  interface: 0,
  usagePage: 1,
  usage: 6,
};
const YUBIKEY_FIDO: Device = { ...YUBIKEY_OTP, path: '/dev/hidraw4', interface: 1, usagePage: 0xf1d0, usage: 1 };
const NO_PATH: Device = { ...YUBIKEY_OTP, path: undefined };
const MOUSE: Device = { vendorId: 0x046d, productId: 0xc077, path: '/dev/hidraw0', release: 1, interface: -1, usagePage: 0, usage: 0 };

interface FakeHandle {
  sent: number[][];
  reads: (number[] | Error | 'hang')[];
  closed: boolean;
}

function fakeModule(options: { list?: Device[]; openError?: Error; handle?: FakeHandle } = {}): NodeHidModule & { loads: number; list: Device[] } {
  const handle = options.handle ?? { sent: [], reads: [], closed: false };
  const fake = {
    loads: 0,
    list: options.list ?? [YUBIKEY_OTP, YUBIKEY_FIDO, NO_PATH, MOUSE],
    devicesAsync: () => Promise.resolve(fake.list),
    HIDAsync: {
      open: (): ReturnType<NodeHidModule['HIDAsync']['open']> => {
        if (options.openError !== undefined) return Promise.reject(options.openError);
        const device = {
          sendFeatureReport: (data: Buffer) => {
            handle.sent.push([...data]);
            return Promise.resolve(data.length);
          },
          getFeatureReport: () => {
            const next = handle.reads.shift();
            if (next === 'hang') return new Promise<Buffer>(() => undefined);
            if (next instanceof Error) return Promise.reject(next);
            return Promise.resolve(Buffer.from(next ?? []));
          },
          close: () => {
            handle.closed = true;
            return Promise.resolve();
          },
        };
        return Promise.resolve(device as unknown as Awaited<ReturnType<NodeHidModule['HIDAsync']['open']>>);
      },
    },
  };
  return fake;
}

async function failure(work: Promise<unknown>): Promise<LatchkeyError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof LatchkeyError)) throw new Error(`expected a LatchkeyError, got ${String(error)}`);
  return error;
}

async function firstOf(backend: HidBackend): Promise<HidDescriptor> {
  const [first] = await backend.devices();
  if (first === undefined) throw new Error('the fake lists no device');
  return first;
}

const hexBytes = (hex: string) => [...Buffer.from(hex, 'hex')];

describe('node-hid adapter', () => {
  it('loads node-hid only when first used', async () => {
    let loads = 0;
    const module = fakeModule();
    const backend = createNodeHidBackend({
      load: () => {
        loads++;
        return Promise.resolve(module);
      },
    });
    expect(loads).toBe(0);
    await backend.devices();
    await backend.devices();
    expect(loads).toBe(1);
  });

  it('a node-hid that cannot load is KEY_SERVICE_UNAVAILABLE', async () => {
    const backend = createNodeHidBackend({ load: () => Promise.reject(new Error('Cannot find module HID_hidraw.node')) });
    const error = await failure(backend.devices());
    expect(error.code).toBe('KEY_SERVICE_UNAVAILABLE');
    expect(error.message).toMatch(/HID_hidraw/);
  });

  it('discovery returns typed descriptors (no path: left out; unknown interface and usage: undefined) and the filter keeps the OTP interface', async () => {
    const descriptors = await createNodeHidBackend({ load: () => Promise.resolve(fakeModule()) }).devices();
    expect(descriptors).toHaveLength(3);
    expect(descriptors[0]).toEqual({
      vendorId: 0x1050,
      productId: 0x0407,
      serialNumber: undefined,
      interfaceNumber: 0,
      usagePage: 1,
      usage: 6,
      path: '/dev/hidraw3',
      product: 'YubiKey OTP+FIDO+CCID',
      manufacturer: 'Yubico',
    });
    expect(descriptors[2]).toMatchObject({ interfaceNumber: undefined, usagePage: undefined, usage: undefined });
    expect(yubiKeyOtpInterfaces(descriptors).map((d) => d.path)).toEqual(['/dev/hidraw3']);
    const otp = yubiKeyOtpInterfaces(descriptors)[0];
    if (otp === undefined) throw new Error('no OTP interface');
    expect(isYubiKeyOtpInterface({ ...otp, productId: 0x0402 })).toBe(false);
    expect(isYubiKeyOtpInterface({ ...otp, usagePage: undefined, usage: undefined })).toBe(false);
  });

  it('adds the report id on write and strips it on read, whether the platform returns 9 or 8 bytes', async () => {
    const handle: FakeHandle = { sent: [], reads: [hexBytes('000005040303070000'), hexBytes('0005040303070000')], closed: false };
    const backend = createNodeHidBackend({ load: () => Promise.resolve(fakeModule({ handle })) });
    const device = await backend.open(await firstOf(backend));
    await device.sendFeatureReport(Uint8Array.from(hexBytes('0000000000000080')));
    expect(handle.sent).toEqual([hexBytes('000000000000000080')]);
    expect(Buffer.from(await device.getFeatureReport(8)).toString('hex')).toBe('0005040303070000');
    expect(Buffer.from(await device.getFeatureReport(8)).toString('hex')).toBe('0005040303070000');
    expect(() => stripReportId(new Uint8Array(7), 8)).toThrow(/7 bytes/);
  });

  it('the OTP session works through the adapter (9-byte reads, report ids added): the serial of vector g', async () => {
    const reads = ['0005040301010000', '0005040301010000', '0005040301010000', '0005040301010000', '0005040301010089', '00bc614ec8040040', '00bc614ec8040040'];
    const handle: FakeHandle = { sent: [], reads: reads.map((hex) => hexBytes(`00${hex}`)), closed: false };
    const backend = createNodeHidBackend({ load: () => Promise.resolve(fakeModule({ handle })) });
    const device = await backend.open(await firstOf(backend));
    const session = await YubiOtpSession.open(device, { clock: createManualClock() });
    expect(await session.serial()).toBe(12345678);
    expect(handle.sent.map((report) => Buffer.from(report).toString('hex'))).toEqual(['000000000000000080', '0000106b5b00000089', '0000000000000000ff']);
  });

  it('a device we may not open is KEY_PERMISSION_DENIED with the platform fix (Linux: the udev rule)', async () => {
    const openError = new Error("cannot open device with path /dev/hidraw3: Failed to open a device with path '/dev/hidraw3': Permission denied");
    const backend = createNodeHidBackend({ load: () => Promise.resolve(fakeModule({ openError })), platform: 'linux' });
    const error = await failure(backend.open(await firstOf(backend)));
    expect(error.code).toBe('KEY_PERMISSION_DENIED');
    expect(error.message).toContain(UDEV_RULE);
    const mac = createNodeHidBackend({ load: () => Promise.resolve(fakeModule({ openError })), platform: 'darwin' });
    expect((await failure(mac.open(await firstOf(mac)))).message).toMatch(/Input Monitoring/);
  });

  it('a device gone before it is opened is KEY_NOT_FOUND', async () => {
    const openError = new Error("cannot open device with path /dev/hidraw3: Failed to open a device with path '/dev/hidraw3': No such file or directory");
    const backend = createNodeHidBackend({ load: () => Promise.resolve(fakeModule({ openError })) });
    expect((await failure(backend.open(await firstOf(backend)))).code).toBe('KEY_NOT_FOUND');
  });

  it('a device unplugged mid-operation is KEY_UNPLUGGED: from the error, or from the device list when the error does not say', async () => {
    const handle: FakeHandle = { sent: [], reads: [new Error('could not get feature report from device: No such device')], closed: false };
    const backend = createNodeHidBackend({ load: () => Promise.resolve(fakeModule({ handle })) });
    const device = await backend.open(await firstOf(backend));
    expect((await failure(device.getFeatureReport(8))).code).toBe('KEY_UNPLUGGED');
    expect(handle.closed).toBe(true);
    expect((await failure(device.getFeatureReport(8))).code).toBe('KEY_UNPLUGGED');

    const module = fakeModule({ handle: { sent: [], reads: [new Error('could not get feature report from device: Input/output error')], closed: false } });
    const vague = createNodeHidBackend({ load: () => Promise.resolve(module) });
    const vagueDevice = await vague.open(await firstOf(vague));
    module.list = [MOUSE];
    expect((await failure(vagueDevice.getFeatureReport(8))).code).toBe('KEY_UNPLUGGED');
  });

  it('an error while the device is still listed is KEY_PROTOCOL', async () => {
    const handle: FakeHandle = { sent: [], reads: [new Error('could not get feature report from device: Broken pipe')], closed: false };
    const backend = createNodeHidBackend({ load: () => Promise.resolve(fakeModule({ handle })) });
    const device = await backend.open(await firstOf(backend));
    expect((await failure(device.getFeatureReport(8))).code).toBe('KEY_PROTOCOL');
  });

  it('a native call that never returns is KEY_TIMEOUT, not a hang', async () => {
    const handle: FakeHandle = { sent: [], reads: ['hang'], closed: false };
    const backend = createNodeHidBackend({ load: () => Promise.resolve(fakeModule({ handle })), ioTimeoutMs: 20 });
    const device = await backend.open(await firstOf(backend));
    expect((await failure(device.getFeatureReport(8))).code).toBe('KEY_TIMEOUT');
  });

  it('the real node-hid loads here and lists devices (none are keys on this machine)', async () => {
    const descriptors = await createNodeHidBackend().devices();
    expect(Array.isArray(descriptors)).toBe(true);
    for (const descriptor of descriptors) expect(typeof descriptor.path).toBe('string');
  });

  it('the udev rule names Yubico and every OTP product id', () => {
    expect(UDEV_RULE).toContain('ATTRS{idVendor}=="1050"');
    expect(UDEV_RULE).toContain('0010|0110|0111|0114|0116|0401|0403|0405|0407|0410');
    expect(UDEV_RULE).toContain('TAG+="uaccess"');
  });
});
