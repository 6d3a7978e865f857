/**
 * The one transport interface every HID key speaks through (DESIGN.md, "Hardware keys").
 *
 * Reports are exchanged WITHOUT node-hid's leading report-id byte: a YubiKey OTP feature report
 * is exactly the 8 bytes the key sees, a CTAPHID interrupt report exactly its 64 bytes. The
 * node-hid adapter (`node-hid.ts`) adds the id on write and strips it on read; emulators
 * implement this interface directly, so drivers cannot tell them from a real key.
 */
export interface HidDevice {
  /** What discovery saw; a stable identity for the lifetime of the plug-in. */
  readonly descriptor: HidDescriptor;

  /** SET_REPORT(Feature, id 0): `report` without the report-id byte. */
  sendFeatureReport(report: Uint8Array): Promise<void>;
  /** GET_REPORT(Feature, id 0): `length` bytes without the report-id byte. */
  getFeatureReport(length: number): Promise<Uint8Array>;

  /** An output (interrupt OUT) report, without the report-id byte. */
  write(report: Uint8Array): Promise<void>;
  /**
   * The next input (interrupt IN) report, without the report-id byte, or `null` when none arrived
   * within `timeoutMs`. Never blocks longer than that.
   */
  read(timeoutMs: number): Promise<Uint8Array | null>;

  /** Releases the device; safe to call twice. */
  close(): Promise<void>;
}

/** One HID interface as discovery reports it. */
export interface HidDescriptor {
  readonly vendorId: number;
  readonly productId: number;
  /** The USB serial string when the platform gives one (YubiKeys report theirs over the protocol instead). */
  readonly serialNumber: string | undefined;
  readonly interfaceNumber: number | undefined;
  /** Undefined on the few platform builds that don't report usages (see the protocol sheet's open questions). */
  readonly usagePage: number | undefined;
  readonly usage: number | undefined;
  /** The platform's handle for opening this interface (a hidraw path on Linux); never shown to the page. */
  readonly path: string;
  readonly product: string | undefined;
  readonly manufacturer: string | undefined;
}

/** Finds and opens HID interfaces: node-hid for real keys, an in-memory list for emulators. */
export interface HidBackend {
  devices(): Promise<readonly HidDescriptor[]>;
  open(descriptor: HidDescriptor): Promise<HidDevice>;
}
