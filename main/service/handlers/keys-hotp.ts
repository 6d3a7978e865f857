import type { AccountMeta } from '../../../shared/account.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { IMF_MAX } from '../../keys/yubikey-otp/index.js';

/** What a YubiKey OTP slot can hold of a HOTP account: its digits and where its counter starts. */
export interface HotpSlotPlan {
  readonly digits: 6 | 8;
  readonly initialMovingFactor: number;
}

/** The IMF is stored in 16-step units (sheet §6): the key counts from a multiple of 16 only. */
const IMF_STEP = 16n;

const unsupported = (message: string, field: string) => new LatchkeyError('KEY_UNSUPPORTED', message, { field });

/**
 * Whether a vault account fits a YubiKey OTP slot, and how: the slot does OATH-HOTP with SHA1 and 6
 * or 8 digits, and starts at a counter that is a multiple of 16 up to 1,048,560. Anything else is
 * KEY_UNSUPPORTED saying why, before the key is touched. The account's own counter is used as it is
 * (never rounded: a key ahead of the site's counter would type codes the site has not reached).
 */
export function hotpSlotPlan(account: AccountMeta): HotpSlotPlan {
  if (account.type !== 'hotp') {
    throw unsupported(`a YubiKey OTP slot holds a HOTP account; this one is ${account.type.toUpperCase()} (TOTP needs the key's OATH application)`, 'type');
  }
  if (account.algorithm !== 'SHA1') throw unsupported(`a YubiKey OTP slot makes SHA1 codes only; this account uses ${account.algorithm}`, 'algorithm');
  if (account.digits !== 6 && account.digits !== 8) {
    throw unsupported(`a YubiKey OTP slot types 6 or 8 digit codes; this account has ${String(account.digits)}`, 'digits');
  }
  const counter = account.counter;
  if (counter % IMF_STEP !== 0n || counter > BigInt(IMF_MAX)) {
    const next = ((counter + IMF_STEP - 1n) / IMF_STEP) * IMF_STEP;
    const hint =
      counter > BigInt(IMF_MAX)
        ? `the highest a slot can start from is ${String(IMF_MAX)}`
        : `take ${String(next - counter)} more code(s) with \`latchkey code\` (the counter is then ${String(next)}), then try again`;
    throw unsupported(`a YubiKey starts a HOTP slot at a multiple of 16 up to ${String(IMF_MAX)}; this account's counter is ${String(counter)}: ${hint}`, 'counter');
  }
  return { digits: account.digits, initialMovingFactor: Number(counter) };
}
