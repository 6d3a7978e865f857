import type { ReplyOf } from '../../../shared/api.js';

type Listing = ReplyOf<'keys.credentials'>;

/**
 * A Nitrokey 3's room, as `keys sync` says it: listed without the PIN, a key with one hides its
 * PIN-protected credentials, so what it holds is "at least" and what is free "at most".
 */
export function nitrokeyRoomText(listing: Listing): string {
  const used = listing.credentials.length;
  const free = Math.max(0, listing.capacity - used);
  if (listing.hiddenByPin === true) return `at least ${String(used)} of ${String(listing.capacity)} used, at most ${String(free)} free`;
  return `${String(used)} of ${String(listing.capacity)} used, ${String(free)} free`;
}

/** The PIN's state in a few words: none, set with the tries left, entered, or blocked. */
export function nitrokeyPinText(listing: Listing, entered: boolean): string {
  const pin = listing.pin;
  if (pin?.set !== true) return 'none set';
  if (pin.attemptsRemaining === 0) return 'blocked';
  const left = pin.attemptsRemaining === null ? '' : `, ${String(pin.attemptsRemaining)} ${pin.attemptsRemaining === 1 ? 'attempt' : 'attempts'} left`;
  return entered ? `set and entered${left}` : `set${left}`;
}
