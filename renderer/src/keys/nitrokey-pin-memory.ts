import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { ReplyOf } from '../../../shared/api.js';
import { useQuery, type DataError } from '../data/hooks.js';
import { nitrokeyCredentials } from '../data/nitrokey.js';

/**
 * The PIN each shown Nitrokey 3 accepted, by serial: the key card's facts (room, PIN state) and its
 * accounts both read with it. Kept in the page's memory only while the card is shown
 * (`useForgetPinWhenHidden`), never stored, never sent anywhere but to that key through main.
 */
const pins = new Map<number, string>();
const listeners = new Set<() => void>();

function setRemembered(serial: number, pin: string | null): void {
  if (pin === null) pins.delete(serial);
  else pins.set(serial, pin);
  for (const listener of [...listeners]) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The PIN the key accepted (null: none entered), and the way to change or forget it. */
export function useNitrokeyPin(serial: number): [string | null, (pin: string | null) => void] {
  const pin = useSyncExternalStore(subscribe, () => pins.get(serial) ?? null);
  const set = useCallback((next: string | null) => {
    setRemembered(serial, next);
  }, [serial]);
  return [pin, set];
}

/** Called by the part of the card that lives as long as it: the PIN goes when the card does. */
export function useForgetPinWhenHidden(serial: number): void {
  useEffect(
    () => () => {
      setRemembered(serial, null);
    },
    [serial],
  );
}

type Listing = ReplyOf<'keys.credentials'>;

/**
 * The key's listing, with the PIN when one was entered. A new PIN means a new read: the last listing
 * stays shown meanwhile rather than a blank card. A PIN that no longer opens the key (changed or
 * blocked elsewhere) is forgotten, and asked again.
 */
export function useNitrokeyListing(serial: number): { listing: Listing | undefined; reading: boolean; error: DataError | undefined; pin: string | null; setPin: (pin: string | null) => void } {
  const [pin, setPin] = useNitrokeyPin(serial);
  const { data, error } = useQuery(nitrokeyCredentials, { serial, pin });
  const last = useRef<Listing | undefined>(undefined);
  if (data !== undefined) last.current = data;
  useEffect(() => {
    if (error?.code === 'KEY_PIN_WRONG' && pin !== null) setPin(null);
  }, [error, pin, setPin]);
  // Read again (a new PIN, say) while the last listing is still shown: a key that wants a touch to check its PIN waits now.
  const reading = data === undefined && error === undefined && last.current !== undefined;
  return { listing: data ?? last.current, reading, error, pin, setPin };
}
