/**
 * The APDU transport: the one interface an OATH session talks through (DESIGN.md, "Hardware keys").
 * Two implementations: the PC/SC transport (`keys/pcsc/`, a YubiKey's CCID interface) and the
 * CTAPHID vendor command (`keys/ctaphid/vendor-apdu.ts`, a Nitrokey 3's Secrets App).
 *
 * Contract, for implementers:
 * - `transmit` sends ONE command APDU exactly as given (`CLA INS P1 P2 [Lc data]`; the session has
 *   already chosen short or no-Lc form per key) and resolves with ONE response APDU in ISO 7816
 *   order: `data ‖ SW1 SW2`, at least 2 bytes. Whatever order the wire uses (the NK3 sends the
 *   status word first) is the transport's business.
 * - A status word is never an error at this layer: `6982`, `6A84`, … resolve normally. Only the
 *   transport itself failing rejects (a LatchkeyError: KEY_UNPLUGGED when the key or card went
 *   away, KEY_TIMEOUT when no answer came within `timeoutMs`, CANCELLED after `signal` aborted,
 *   KEY_PROTOCOL for a malformed answer, KEY_SERVICE_UNAVAILABLE when pcscd is not running, …).
 * - **`61xx` is returned as it is.** Chaining is the OATH protocol layer's job, because both keys
 *   continue with the applet's own SEND REMAINING (`00 A5 00 00`), not ISO GET RESPONSE
 *   (`00 C0 00 00 xx`, which the OATH applet answers `6D00`). So a PC/SC transport must NOT use npm
 *   `smartcard`'s `autoGetResponse`/`transmitWithAutoResponse`, and must allow answers longer than
 *   its 258-byte default receive buffer (`maxRecvLength`).
 * - One transport instance is one exclusive use of one key for one operation: the applet's state
 *   (selected applet, an unlocked access code, pending chained data) lives on the key, so nothing
 *   else may send APDUs to it between a session's SELECT and its last answer. The session sends one
 *   APDU at a time and never two concurrently.
 * - `sensitive` marks an exchange whose command data (and answer data) carry a secret: a credential
 *   secret (PUT), an access key or its HMACs (SET CODE, VALIDATE), a PIN (VERIFY/SET/CHANGE PIN). A
 *   transport that traces what it sends must then print the header and lengths only, never the bytes.
 */
export interface ApduTransport {
  transmit(apdu: Uint8Array, options?: ApduTransmitOptions): Promise<Uint8Array>;
}

export interface ApduTransmitOptions {
  /**
   * How long this one exchange may take. Touch commands block on the key until it is touched or
   * its own touch timeout ends (15 s on an NK3, ~20 s on a YubiKey), so the session passes ≥ 30 s
   * for them and a few seconds otherwise. Undefined: the transport's default.
   */
  readonly timeoutMs?: number;
  /** Aborting rejects with CANCELLED; a transport that can tell the key to stop (CTAPHID CANCEL) does. */
  readonly signal?: AbortSignal;
  /** The command or its answer carries a secret: trace lengths only (see above). */
  readonly sensitive?: boolean;
  /**
   * The transport heard the key is still working (CTAPHID KEEPALIVE). Never a touch prompt: the NK3
   * sends none for the Secrets App, so the session decides touch from the credential and the command.
   */
  readonly onKeepalive?: (status: KeepaliveStatus) => void;
}

/** What a CTAPHID KEEPALIVE said: PROCESSING (1) or UPNEEDED (2). */
export type KeepaliveStatus = 'processing' | 'user-presence-needed';

