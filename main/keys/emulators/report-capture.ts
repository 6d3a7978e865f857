import type { HidDevice } from '../hid/hid-device.js';
import type { CommandOutcome, DecodedFrame } from './yubikey-otp.js';

/**
 * Records a host's conversation with an emulated OTP key: every feature report in order, and every
 * frame the emulator decoded. Saved as JSON, it lets the reports yubikit sends for a configuration
 * be compared with the reports our driver sends for the same one.
 */
export interface CapturedReport {
  readonly direction: 'SET' | 'GET';
  readonly hex: string;
}

export interface CapturedFrame {
  readonly command: number;
  readonly payloadHex: string;
  readonly crcValid: boolean;
  /** `written`, `response`, `rejected:<reason>`, or `unanswered` (a never-answer fault). */
  readonly outcome: string;
  /** The SET reports that carried this frame, part 0 through part 9. */
  readonly hostReports: readonly string[];
}

export interface ReportCaptureJson {
  readonly conversation: readonly (readonly ['SET' | 'GET', string])[];
  readonly frames: readonly CapturedFrame[];
}

export class ReportCapture {
  private readonly reports: CapturedReport[] = [];
  private readonly decoded: CapturedFrame[] = [];
  private frameReports: string[] = [];

  /** A HidDevice that forwards to `device` and records what passes. */
  wrap(device: HidDevice): HidDevice {
    return {
      descriptor: device.descriptor,
      sendFeatureReport: async (report) => {
        this.record('SET', report);
        await device.sendFeatureReport(report);
      },
      getFeatureReport: async (length) => {
        const report = await device.getFeatureReport(length);
        this.record('GET', report);
        return report;
      },
      write: (report) => device.write(report),
      read: (timeoutMs) => device.read(timeoutMs),
      close: () => device.close(),
    };
  }

  /** Pass as the emulator's `onFrame`: pairs each decoded frame with the reports that carried it. */
  readonly onFrame = (frame: DecodedFrame, outcome: CommandOutcome | null): void => {
    this.decoded.push({
      command: frame.command,
      payloadHex: Buffer.from(frame.payload).toString('hex'),
      crcValid: frame.crcValid,
      outcome: outcome === null ? 'unanswered' : outcome.kind === 'rejected' ? `rejected:${outcome.reason}` : outcome.kind,
      hostReports: this.frameReports,
    });
    this.frameReports = [];
  };

  toJSON(): ReportCaptureJson {
    return { conversation: this.reports.map((r) => [r.direction, r.hex] as const), frames: [...this.decoded] };
  }

  private record(direction: 'SET' | 'GET', report: Uint8Array): void {
    const hex = Buffer.from(report).toString('hex');
    this.reports.push({ direction, hex });
    if (direction !== 'SET') return;
    const flags = report[7] ?? 0;
    const seq = flags & 0x1f;
    if ((flags & 0x80) === 0 || seq > 9) return; // resets carry no frame
    if (seq === 0) this.frameReports = [];
    this.frameReports.push(hex);
  }
}
