import type { LatchkeyError } from '../../../shared/errors.js';

/**
 * The PC/SC layer as the rest of Latchkey sees it (DESIGN.md, "Hardware keys"): readers, the
 * cards in them, and raw APDU exchanges. `smartcard-adapter.ts` implements it over the npm package
 * `smartcard` (pcsc-lite's pcscd on Linux, the built-in service on macOS and Windows); tests
 * implement it over a fake module. Every failure is a LatchkeyError (see `pcsc-errors.ts`).
 */
export interface PcscBackend {
  /** The readers PC/SC knows now, with whether a card (a key's CCID interface) is in each. */
  listReaders(): Promise<readonly PcscReaderInfo[]>;
  /**
   * Reader and card changes as they happen, until `stop()`. A subscriber is first told what is
   * present (`reader-added`, then `card-inserted` for a reader that holds a card).
   */
  watch(listener: (event: PcscEvent) => void): Promise<PcscWatch>;
  /**
   * Connects to the card in `reader`. `exclusive` keeps every other program out until disconnect
   * (what one OATH operation needs: the applet's state lives on the card, sheet §1); `shared` lets
   * others in between our APDUs.
   */
  connect(reader: string, share: PcscShareMode): Promise<PcscCard>;
}

export type PcscShareMode = 'exclusive' | 'shared';

/**
 * What happens to the card on disconnect. `reset` (the default) drops the applet's unlocked state
 * so the next program finds it locked again (sheet §1, trap 21); `leave` keeps it as it is.
 */
export type PcscDisposition = 'leave' | 'reset' | 'unpower';

export interface PcscReaderInfo {
  readonly name: string;
  readonly cardPresent: boolean;
  /** The card's answer to reset, when a card is present. */
  readonly atr: Uint8Array | undefined;
}

export type PcscEvent =
  | { readonly type: 'reader-added'; readonly reader: string }
  | { readonly type: 'reader-removed'; readonly reader: string }
  | { readonly type: 'card-inserted'; readonly reader: string; readonly atr: Uint8Array | undefined }
  | { readonly type: 'card-removed'; readonly reader: string }
  /** The service went away or failed; the watch keeps trying and tells again when readers return. */
  | { readonly type: 'error'; readonly error: LatchkeyError };

export interface PcscWatch {
  stop(): Promise<void>;
}

/**
 * One connection to the card in one reader. There is no begin/end transaction: npm `smartcard` 3.7
 * has no SCardBeginTransaction (sheet §1), and a reconnect to EXCLUSIVE and back is no substitute
 * (tried against pcsc-lite 1.9.9: the reader stayed locked to others after the reconnect back to
 * SHARED, until disconnect). An `exclusive` connection for the length of one operation is the
 * transaction: nothing else reaches the card between our APDUs (`withPcscCard` does this).
 */
export interface PcscCard {
  readonly reader: string;
  readonly atr: Uint8Array;
  readonly share: PcscShareMode;
  /**
   * Sends one command APDU and resolves with the card's whole answer (`data ‖ SW1 SW2`), exactly as
   * the card gave it: no GET RESPONSE, no SEND REMAINING (the OATH layer chains, `keys/apdu.ts`).
   * A card gone mid-exchange is KEY_UNPLUGGED; no answer within `timeoutMs` is KEY_TIMEOUT.
   */
  transmit(apdu: Uint8Array, timeoutMs?: number): Promise<Uint8Array>;
  /** Releases the card; safe to call twice. */
  disconnect(disposition?: PcscDisposition): Promise<void>;
}
