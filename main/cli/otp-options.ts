import { InvalidArgumentError, Option, type Command } from 'commander';
import { ALGORITHMS, OTP_TYPES, type Algorithm, type OtpType } from '../../shared/account.js';
import type { RequestOf } from '../../shared/api.js';

/** Flags that describe how codes are made, shared by `code --secret` and `uri format`. */
export interface OtpOptions {
  readonly type?: OtpType;
  readonly algorithm?: Algorithm;
  readonly digits?: number;
  readonly period?: number;
  readonly counter?: string;
}

export function addOtpOptions(command: Command): Command {
  return command
    .addOption(new Option('--type <type>', 'totp, hotp or steam (default totp)').choices(OTP_TYPES))
    .addOption(new Option('--algorithm <name>', 'SHA1, SHA256 or SHA512 (default SHA1)').argParser(parseAlgorithm))
    .addOption(new Option('--digits <n>', 'code length, 1-10 (default 6; Steam 5)').argParser(parseWholeNumber))
    .addOption(new Option('--period <seconds>', 'TOTP step, 1-86400 (default 30)').argParser(parseWholeNumber))
    .addOption(new Option('--counter <n>', 'HOTP counter, 0 to 2^64-1 (default 0)').argParser(parseDecimal));
}

export function otpRequestFields(options: OtpOptions): Omit<RequestOf<'otp.code'>, 'secretBase32'> {
  return {
    type: options.type ?? 'totp',
    ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
    ...(options.digits === undefined ? {} : { digits: options.digits }),
    ...(options.period === undefined ? {} : { period: options.period }),
    ...(options.counter === undefined ? {} : { counter: options.counter }),
  };
}

export function parseWholeNumber(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

export function parseDecimal(value: string): string {
  if (!/^\d{1,20}$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return value;
}

function parseAlgorithm(value: string): Algorithm {
  const normalized = value.toUpperCase().replace(/-/g, '');
  const match = ALGORITHMS.find((algorithm) => algorithm === normalized);
  if (match === undefined) throw new InvalidArgumentError('expected SHA1, SHA256 or SHA512');
  return match;
}
