import { EXT, isTouchTriggered } from './slot-config.js';
import type { EmulatorState } from './state.js';

/** Byte 7 of a report (sheet §2.1). */
export const SLOT_WRITE_FLAG = 0x80;
export const RESP_PENDING_FLAG = 0x40;
export const RESP_TIMEOUT_WAIT_FLAG = 0x20;
export const SEQUENCE_MASK = 0x1f;
export const LAST_PART = 9;
export const REPORT_SIZE = 8;
export const PART_SIZE = 7;

/** The status report (sheet §2.2): byte 0 unused (0 here, open question 1), fw, pgmSeq, touchLevel LE, flags. */
export function statusReport(state: EmulatorState, flags: number): Uint8Array {
  const [major, minor, build] = state.firmware;
  const touchLevel = touchLevelOf(state);
  return Uint8Array.of(0, major, minor, build, state.pgmSeq, touchLevel & 0xff, touchLevel >>> 8, flags);
}

/** touchLevel bits (sheet §2.2): valid 0x01/0x02, touch-triggered 0x04/0x08, LED inverted 0x10. */
export function touchLevelOf(state: EmulatorState): number {
  let level = 0;
  state.slots.forEach((slot, index) => {
    if (slot === null) return;
    level |= index === 0 ? 0x01 : 0x02;
    if (isTouchTriggered(slot)) level |= index === 0 ? 0x04 : 0x08;
    if ((slot.extFlags & EXT.LED_INV) !== 0) level |= 0x10;
  });
  return level;
}

/** Response data cut into 7-byte parts flagged 0x40|n (sheet §2.5); the padding is zeros (open question 2). */
export function responseParts(data: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let n = 0; n * PART_SIZE < data.length; n++) {
    const report = new Uint8Array(REPORT_SIZE);
    report.set(data.subarray(n * PART_SIZE, (n + 1) * PART_SIZE));
    report[PART_SIZE] = RESP_PENDING_FLAG | n;
    parts.push(report);
  }
  return parts;
}
