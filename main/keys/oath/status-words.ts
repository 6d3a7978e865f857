import { LatchkeyError, type ErrorCode } from '../../../shared/errors.js';
import { SW } from './constants.js';
import type { OathDialect, OathOperation } from './dialects.js';
import { formatSw } from './protocol.js';

export interface StatusContext {
  readonly operation: OathOperation;
  readonly dialect: OathDialect;
  /** Whether the key was expected to wait for a touch during this command. */
  readonly touch: boolean | 'maybe';
  /** How long the command took on the injected clock: a 6982 after seconds of a possible touch is a touch timeout. */
  readonly elapsedMs: number;
  readonly capacity: number;
}

/** A 6982 this long after a command that might have wanted a touch was a touch timeout (Yubico Authenticator: 5 s). */
export const TOUCH_TIMEOUT_EVIDENCE_MS = 5000;

const error = (code: ErrorCode, message: string, sw: number, details: Record<string, string | number | null> = {}) => new LatchkeyError(code, message, { sw: formatSw(sw), ...details });

/**
 * Status word → our error, for an answer that is not 9000 (YubiKey sheet §9, NK3 sheet §4). The same
 * word means different things per key and command: 6982 is "locked" or "not touched in time"
 * (trap 7), 6A80 from VALIDATE is a wrong password (trap 6), "not found" is 6984 or 6A82.
 */
export function statusError(sw: number, context: StatusContext): LatchkeyError {
  const { dialect, operation } = context;
  if (sw === dialect.notFoundSw && operation !== 'validate' && operation !== 'set-code' && operation !== 'select') {
    return error('NOT_FOUND', 'the key holds no credential with that name', sw);
  }
  switch (sw) {
    case SW.SECURITY_STATUS:
      if (context.touch === true || (context.touch === 'maybe' && context.elapsedMs >= TOUCH_TIMEOUT_EVIDENCE_MS)) {
        return error('KEY_TOUCH_TIMEOUT', `the ${dialect.product} was not touched in time; nothing was done`, sw);
      }
      return error('KEY_PIN_REQUIRED', dialect.authKind === 'pin' ? 'the Nitrokey 3 wants its PIN for this' : 'the YubiKey is protected by an access password: unlock it first', sw, {
        kind: dialect.authKind,
      });
    case SW.WRONG_DATA:
      if (operation === 'validate') return error('KEY_PIN_WRONG', 'wrong access password', sw, { kind: 'password', attemptsRemaining: null });
      if (operation === 'put' || operation === 'rename') return error('KEY_WRITE_REJECTED', `the ${dialect.product} refused the credential's data (name, key or options)`, sw);
      return error('KEY_PROTOCOL', `the ${dialect.product} refused our command as malformed`, sw);
    case SW.VERIFY_FAILED:
      return error('KEY_PIN_WRONG', 'wrong PIN', sw, { kind: 'pin', attemptsRemaining: null });
    case SW.NO_SPACE:
      return error('KEY_FULL', `the ${dialect.product} is full (it holds at most ${String(context.capacity)} credentials): delete one first`, sw, { capacity: context.capacity });
    case SW.COMMAND_ABORTED:
      // ykman reads 6F00 from PUT as "probably full" on some NEOs.
      if (operation === 'put') return error('KEY_FULL', `the ${dialect.product} aborted the write; it is probably full`, sw, { capacity: context.capacity });
      return error('KEY_PROTOCOL', `the ${dialect.product} aborted the command`, sw);
    case SW.OPERATION_BLOCKED:
      return error('KEY_CREDENTIAL_EXISTS', 'the key already holds a credential with that name', sw);
    case SW.NO_SUCH_OBJECT:
      if (operation === 'validate') return error('INVALID_REQUEST', 'this key has no access password to unlock', sw);
      return error('KEY_PROTOCOL', 'the key did not accept our proof of the access key', sw);
    case SW.FUNCTION_NOT_SUPPORTED:
    case SW.INS_NOT_SUPPORTED:
      return error('KEY_UNSUPPORTED', `the ${dialect.product} does not support this command`, sw);
    case SW.CONDITIONS_NOT_SATISFIED:
      return error('KEY_UNSUPPORTED', `the ${dialect.product} cannot do this with that credential`, sw);
    case SW.NOT_FOUND:
      return error('KEY_UNSUPPORTED', `the ${dialect.product} has no OATH application`, sw);
    default:
      return error('KEY_PROTOCOL', `the ${dialect.product} answered status ${formatSw(sw)}`, sw);
  }
}
