import { LatchkeyError } from '../../../shared/errors.js';

/**
 * What a PC/SC failure means to a user, and the fix for it. The npm `smartcard` addon rejects
 * with plain Errors whose message is pcsc-lite's text for the SCARD_* code ("PC/SC service not
 * running", "Sharing violation", …), so the mapping reads the message (and a numeric `code`, should
 * a later version carry one).
 */

/** Where the failure happened: a missing card at connect is "no key", during an exchange "unplugged". */
export type PcscPhase = 'list' | 'watch' | 'connect' | 'transmit';

export interface PcscErrorContext {
  readonly phase: PcscPhase;
  readonly reader?: string;
  readonly platform?: NodeJS.Platform;
}

/** SCARD_* codes by the names pcsc-lite, macOS and Windows agree on. */
const SCARD = {
  E_NO_SERVICE: 0x8010001d,
  E_SERVICE_STOPPED: 0x8010001e,
  E_SHARING_VIOLATION: 0x8010000b,
  E_NO_SMARTCARD: 0x8010000c,
  W_REMOVED_CARD: 0x80100069,
  E_UNKNOWN_READER: 0x80100009,
  E_READER_UNAVAILABLE: 0x80100017,
  E_NO_READERS_AVAILABLE: 0x8010002e,
  E_TIMEOUT: 0x8010000a,
  E_CANCELLED: 0x80100002,
  F_COMM_ERROR: 0x80100013,
  W_UNRESPONSIVE_CARD: 0x80100066,
  W_UNPOWERED_CARD: 0x80100067,
  W_RESET_CARD: 0x80100068,
} as const;

type Kind = 'no-service' | 'in-use' | 'no-card' | 'no-reader' | 'comm' | 'reset' | 'timeout' | 'cancelled' | 'other';

const BY_MESSAGE: readonly (readonly [RegExp, Kind])[] = [
  [/service not running|service stopped|no service|SCARD_E_NO_SERVICE|SCARD_E_SERVICE_STOPPED|pcscd\.comm/i, 'no-service'],
  [/sharing violation|SCARD_E_SHARING_VIOLATION/i, 'in-use'],
  [/card was removed|no smart card|SCARD_W_REMOVED_CARD|SCARD_E_NO_SMARTCARD/i, 'no-card'],
  [/unknown reader|reader unavailable|no readers available|SCARD_E_UNKNOWN_READER|SCARD_E_READER_UNAVAILABLE/i, 'no-reader'],
  [/communication error|unresponsive|unpowered|not transacted|transaction failed|SCARD_F_COMM_ERROR/i, 'comm'],
  [/card was reset|SCARD_W_RESET_CARD/i, 'reset'],
  [/timed out|SCARD_E_TIMEOUT/i, 'timeout'],
  [/cancelled|SCARD_E_CANCELLED/i, 'cancelled'],
];

const BY_CODE = new Map<number, Kind>([
  [SCARD.E_NO_SERVICE, 'no-service'],
  [SCARD.E_SERVICE_STOPPED, 'no-service'],
  [SCARD.E_SHARING_VIOLATION, 'in-use'],
  [SCARD.E_NO_SMARTCARD, 'no-card'],
  [SCARD.W_REMOVED_CARD, 'no-card'],
  [SCARD.E_UNKNOWN_READER, 'no-reader'],
  [SCARD.E_READER_UNAVAILABLE, 'no-reader'],
  [SCARD.E_NO_READERS_AVAILABLE, 'no-reader'],
  [SCARD.F_COMM_ERROR, 'comm'],
  [SCARD.W_UNRESPONSIVE_CARD, 'comm'],
  [SCARD.W_UNPOWERED_CARD, 'comm'],
  [SCARD.W_RESET_CARD, 'reset'],
  [SCARD.E_TIMEOUT, 'timeout'],
  [SCARD.E_CANCELLED, 'cancelled'],
]);

function kindOf(error: unknown): Kind {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (typeof code === 'number') {
    const byCode = BY_CODE.get(code >>> 0);
    if (byCode !== undefined) return byCode;
  }
  const message = messageOf(error);
  return BY_MESSAGE.find(([pattern]) => pattern.test(message))?.[1] ?? 'other';
}

/** Turns whatever the addon threw into the one LatchkeyError a user can act on. */
export function pcscError(error: unknown, context: PcscErrorContext): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  const platform = context.platform ?? process.platform;
  const where = context.reader === undefined ? '' : ` "${context.reader}"`;
  const midExchange = context.phase === 'transmit';
  const kind = kindOf(error);
  switch (kind) {
    case 'no-service':
      return pcscServiceUnavailable(platform);
    case 'in-use':
      return readerInUse(context.reader, platform);
    case 'no-card':
      return midExchange
        ? new LatchkeyError('KEY_UNPLUGGED', `the key in reader${where} was removed during the operation`)
        : new LatchkeyError('KEY_NOT_FOUND', `there is no key in reader${where}`);
    case 'no-reader':
      return midExchange
        ? new LatchkeyError('KEY_UNPLUGGED', `reader${where} went away during the operation`)
        : new LatchkeyError('KEY_NOT_FOUND', `there is no smart card reader${where}: is the key plugged in, with its CCID interface enabled?`);
    case 'comm':
      return new LatchkeyError('KEY_UNPLUGGED', `the key in reader${where} stopped answering (unplugged?): ${messageOf(error)}`);
    case 'reset':
      return new LatchkeyError('KEY_PROTOCOL', `another program reset the key in reader${where} during the operation; try again`);
    case 'timeout':
      return new LatchkeyError('KEY_TIMEOUT', `the key in reader${where} did not answer in time`);
    case 'cancelled':
      return new LatchkeyError('CANCELLED', 'the smart card operation was cancelled');
    case 'other':
      return new LatchkeyError('KEY_PROTOCOL', `the smart card service failed while ${PHASE_TEXT[context.phase]}${where}: ${messageOf(error)}`);
  }
}

const PHASE_TEXT: Record<PcscPhase, string> = {
  list: 'listing readers',
  watch: 'watching readers',
  connect: 'connecting to reader',
  transmit: 'talking to the key in reader',
};

/** The PC/SC service is missing or stopped: KEY_SERVICE_UNAVAILABLE naming it and how to start it. */
export function pcscServiceUnavailable(platform: NodeJS.Platform = process.platform): LatchkeyError {
  const fix =
    platform === 'win32'
      ? 'the Windows Smart Card service (SCardSvr) is not running: start it in Services, or run `sc start SCardSvr` as administrator'
      : platform === 'darwin'
        ? "macOS's smart card service is not answering: unplug and replug the key, or restart the Mac"
        : 'the PC/SC service pcscd is not running: start it with `sudo systemctl start pcscd.socket` (install it first if needed: Debian/Ubuntu `sudo apt install pcscd`, Fedora `sudo dnf install pcsc-lite pcsc-lite-ccid`)';
  return new LatchkeyError('KEY_SERVICE_UNAVAILABLE', `smart card keys can't be reached: ${fix}`, { reason: 'pcsc-service', service: platform === 'win32' ? 'SCardSvr' : platform === 'darwin' ? 'ctkd' : 'pcscd' });
}

/**
 * Another program holds the reader exclusively. On Linux that is most often GnuPG's scdaemon (it
 * keeps the YubiKey's card open), else ykman or Yubico Authenticator during an operation (sheet
 * §1). We name the fix but never kill anything for the user.
 */
export function readerInUse(reader: string | undefined, platform: NodeJS.Platform = process.platform): LatchkeyError {
  const where = reader === undefined ? 'the key' : `the key in reader "${reader}"`;
  const gpg =
    platform === 'win32'
      ? 'often GnuPG\'s scdaemon: stop it with `gpgconf --kill scdaemon`'
      : "often GnuPG's scdaemon: stop it with `gpgconf --kill scdaemon`, or add `disable-ccid` to ~/.gnupg/scdaemon.conf so it shares the key through pcscd";
  return new LatchkeyError('KEY_SERVICE_UNAVAILABLE', `${where} is in use by another program (${gpg}; or close ykman / Yubico Authenticator), then try again`, {
    reason: 'reader-in-use',
    ...(reader === undefined ? {} : { reader }),
  });
}

/** The optional `smartcard` addon is not installed or did not build. */
export function pcscSupportMissing(cause: unknown, platform: NodeJS.Platform = process.platform): LatchkeyError {
  const headers =
    platform === 'linux'
      ? 'install the PC/SC headers (Debian/Ubuntu `sudo apt install libpcsclite-dev`, Fedora `sudo dnf install pcsc-lite-devel`) and a C++ compiler, then run `npm rebuild smartcard`'
      : 'run `npm rebuild smartcard` (it needs a C++ compiler)';
  return new LatchkeyError('KEY_SERVICE_UNAVAILABLE', `smart card support (the optional npm package smartcard) could not be loaded: ${headers}. Cause: ${messageOf(cause)}`, {
    reason: 'pcsc-addon-missing',
    package: 'smartcard',
  });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
