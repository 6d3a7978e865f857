import { describe, expect, it } from 'vitest';
import type { ReplyOf } from '../../../shared/api.js';
import { nitrokeyPinText, nitrokeyRoomText } from './nitrokey-text.js';

type Listing = ReplyOf<'keys.credentials'>;

const credential = (name: string) => ({ name, issuer: null, label: name, type: 'totp' as const, period: 30, algorithm: 'SHA1' as const, digits: 6, touch: false, pinProtected: false });
const listing = (held: number, extra: Partial<Listing>): Listing => ({
  key: { kind: 'nitrokey3', serial: 1, firmware: '4.14.0', emulated: true },
  capacity: 50,
  credentials: Array.from({ length: held }, (_, index) => credential(`account ${String(index)}`)),
  ...extra,
});

describe("a Nitrokey 3's room and PIN in words", () => {
  it('counts the room exactly unless the PIN hides accounts; then held is at least and free at most, as keys sync says', () => {
    expect(nitrokeyRoomText(listing(3, { hiddenByPin: false }))).toBe('3 of 50 used, 47 free');
    expect(nitrokeyRoomText(listing(3, { hiddenByPin: true }))).toBe('at least 3 of 50 used, at most 47 free');
    expect(nitrokeyRoomText(listing(50, {}))).toBe('50 of 50 used, 0 free');
  });

  it('says none, set with the attempts left (one attempt in the singular), entered, or blocked', () => {
    expect(nitrokeyPinText(listing(0, { pin: { set: false, attemptsRemaining: null } }), false)).toBe('none set');
    expect(nitrokeyPinText(listing(0, { pin: { set: true, attemptsRemaining: 8 } }), false)).toBe('set, 8 attempts left');
    expect(nitrokeyPinText(listing(0, { pin: { set: true, attemptsRemaining: 1 } }), false)).toBe('set, 1 attempt left');
    expect(nitrokeyPinText(listing(0, { pin: { set: true, attemptsRemaining: 8 } }), true)).toBe('set and entered, 8 attempts left');
    expect(nitrokeyPinText(listing(0, { pin: { set: true, attemptsRemaining: 0 } }), false)).toBe('blocked');
    expect(nitrokeyPinText(listing(0, { pin: { set: true, attemptsRemaining: null } }), false)).toBe('set');
  });
});
