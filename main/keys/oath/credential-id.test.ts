import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LatchkeyError } from '../../../shared/errors.js';
import { formatCredentialId, parseCredentialId } from './credential-id.js';
import type { OathType } from './model.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('credential ids: the YubiKey sheet §6 table', () => {
  it.each([
    ['Example:alice@example.com', 'totp', 'Example', 'alice@example.com', 30],
    ['60/Period60:henry', 'totp', 'Period60', 'henry', 60],
    ['a:b:c', 'totp', 'a', 'b:c', 30],
    ['15/x', 'totp', undefined, 'x', 15],
    ['30/x', 'totp', undefined, 'x', 30],
    [':x', 'totp', undefined, ':x', 30],
    [':x', 'hotp', undefined, ':x', 0],
    ['Example:hotp', 'hotp', 'Example', 'hotp', 0],
    ['60/x', 'hotp', undefined, '60/x', 0],
    ['0/x', 'totp', undefined, 'x', 0],
  ] as const)('%s (%s) → issuer %s, account %s, period %s', (id, type, issuer, account, period) => {
    expect(parseCredentialId(type, utf8(id))).toEqual({ name: id, issuer, account, period });
  });

  it('writes the period only for TOTP and only when it is not 30; the issuer only when there is one', () => {
    const text = (type: OathType, issuer: string | undefined, account: string, period: number) => new TextDecoder().decode(formatCredentialId(type, { issuer, account, period }, 64));
    expect(text('totp', 'Example', 'alice', 30)).toBe('Example:alice');
    expect(text('totp', 'Period60', 'henry', 60)).toBe('60/Period60:henry');
    expect(text('totp', undefined, 'x', 15)).toBe('15/x');
    expect(text('totp', '', 'x', 30)).toBe('x');
    expect(text('hotp', 'Example', 'hotp', 0)).toBe('Example:hotp');
  });

  it('anything written reads back as written (any issuer without ":", any account, any period ≥ 1)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<OathType>('totp', 'hotp'),
        fc.option(fc.string({ minLength: 1, maxLength: 12 }).filter((issuer) => !issuer.includes(':')), { nil: undefined }),
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 600 }),
        (type, issuer, account, period) => {
          // A leading "N/" in a TOTP account, or a colon-led HOTP account, would be read as structure: yubikit has the same ambiguity.
          fc.pre(!/^\d+\//u.test(issuer ?? account) && !(type === 'hotp' && issuer === undefined && account.includes(':')));
          fc.pre(!(type === 'totp' && issuer === undefined && account.includes(':')));
          const id = formatCredentialId(type, { issuer, account, period: type === 'totp' ? period : 0 }, 1000);
          expect(parseCredentialId(type, id)).toMatchObject({ issuer, account, period: type === 'totp' ? period : 0 });
        },
      ),
    );
  });

  it('counts UTF-8 bytes, never characters, and never cuts', () => {
    const error = (() => {
      try {
        formatCredentialId('totp', { issuer: 'Ünïcödé', account: '🔑'.repeat(14), period: 30 }, 64);
      } catch (caught) {
        return caught as LatchkeyError;
      }
      return undefined;
    })();
    expect(error?.toInfo()).toMatchObject({ code: 'ACCOUNT_INVALID', details: { field: 'name', bytes: 11 + 1 + 56, limit: 64 } });
    expect(formatCredentialId('totp', { issuer: 'x', account: 'y'.repeat(62), period: 30 }, 64)).toHaveLength(64);
  });

  it('ids are kept as raw bytes: what is not UTF-8 still round-trips through the credential’s id', () => {
    const raw = Uint8Array.of(0x41, 0xff, 0x3a, 0x42);
    expect(parseCredentialId('totp', raw).name).toContain('\ufffd');
  });
});
