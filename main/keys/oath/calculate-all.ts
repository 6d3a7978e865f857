import { totpChallenge, totpCode } from './codes.js';
import { DEFAULT_PERIOD, INS, TAG } from './constants.js';
import type { OathDialect } from './dialects.js';
import { describeCredential, parseCalculateAll, responseValue } from './listing.js';
import type { OathCalculation, OathCode, OathCredential, OathOperationOptions } from './model.js';
import type { OathCommand } from './protocol.js';
import type { RunOptions } from './runner.js';
import { tlv } from './tlv.js';

/** What "all codes" needs from a session: its dialect, a command, the listing and one calculation. */
export interface CalculateAllContext {
  readonly dialect: OathDialect;
  run(command: OathCommand, options: RunOptions): Promise<Uint8Array>;
  list(options: OathOperationOptions & { readonly pin?: string }): Promise<OathCredential[]>;
  calculate(credential: OathCredential, options: OathOperationOptions & { readonly time: number }): Promise<OathCode>;
}

const TRUNCATED = 0x01;

/**
 * Codes for every credential that can be computed without a touch or a counter: CALCULATE ALL
 * where the key has it (then every TOTP whose period is not 30 s again on its own: the key used
 * the 30-s step, trap 10), else LIST and one CALCULATE each (NK3). HOTP (a counter would be used
 * up), touch and PIN-encrypted credentials come back without a code, saying why.
 */
export async function calculateAllCodes(context: CalculateAllContext, time: number, options: OathOperationOptions & { readonly pin?: string }): Promise<OathCalculation[]> {
  const { pin: _pin, ...perCredential } = { ...options, time };
  const out: OathCalculation[] = [];
  if (!context.dialect.hasCalculateAll) {
    for (const credential of await context.list(options)) out.push(await calculateOne(context, credential, perCredential));
    return out;
  }
  const data = await context.run(
    { ins: INS.CALCULATE_ALL, p2: TRUNCATED, data: tlv(TAG.CHALLENGE, totpChallenge(time, DEFAULT_PERIOD)) },
    { ...perCredential, operation: 'calculate-all', touch: false },
  );
  for (const entry of parseCalculateAll(data, context.dialect)) {
    const digits = entry.value[0] ?? 0;
    const type = entry.tag === TAG.HOTP ? 'hotp' : 'totp';
    // 7C says "TOTP with touch"; 77 is any HOTP, touch unknown (trap 8).
    const credential = describeCredential(entry.id, type, { digits, touch: entry.tag === TAG.TOUCH ? true : type === 'totp' ? false : undefined });
    if (entry.tag === TAG.HOTP || entry.tag === TAG.TOUCH) out.push({ credential, code: null, notComputed: type === 'hotp' ? 'hotp' : 'touch' });
    else if (credential.period !== DEFAULT_PERIOD) out.push(await calculateOne(context, credential, perCredential));
    else out.push({ credential, code: totpCode(responseValue(entry.tag, entry.value), digits, time, DEFAULT_PERIOD) });
  }
  return out;
}

async function calculateOne(context: CalculateAllContext, credential: OathCredential, options: OathOperationOptions & { readonly time: number }): Promise<OathCalculation> {
  if (credential.type === 'hotp') return { credential, code: null, notComputed: 'hotp' };
  if (credential.pinProtected === true) return { credential, code: null, notComputed: 'pin' };
  // A touch (or a possible one) would hold up the whole listing: such codes are asked for one by one.
  if (context.dialect.needsTouch('calculate', credential.touch, credential.type) !== false) return { credential, code: null, notComputed: 'touch' };
  return { credential, code: await context.calculate(credential, options) };
}
