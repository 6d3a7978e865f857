import { describe, expect, it } from 'vitest';
import { nitrokey3Dialect, yubikeyDialect, type OathDialect, type OathOperation } from './dialects.js';
import { OathProtocol } from './protocol.js';
import { statusError } from './status-words.js';
import { ScriptedApduTransport } from './test-support/scripted-apdu-transport.js';

describe('SEND REMAINING chaining (in the APDU layer, for both keys)', () => {
  it('NK3: 61FF parts are joined through 00 A5 00 00 (no Lc) until 9000', async () => {
    const transport = new ScriptedApduTransport([
      { capdu: '00a100000101', rapdu: '720421610001' + '61ff' },
      { capdu: '00a50000', rapdu: '720421620000' + '61ff' },
      { capdu: '00a50000', rapdu: '9000' },
    ]);
    const reply = await new OathProtocol(transport, 'lc-when-data').send({ ins: 0xa1, data: Uint8Array.of(1) });
    expect(reply.sw).toBe(0x9000);
    expect(Buffer.from(reply.data).toString('hex')).toBe('720421610001720421620000');
  });

  it('an error word in the middle of a chain ends it with that word (NK3: 6985 when nothing is pending)', async () => {
    const transport = new ScriptedApduTransport([
      { capdu: '00a10000', rapdu: '7203216100' + '61ff' },
      { capdu: '00a50000', rapdu: '6985' },
    ]);
    expect((await new OathProtocol(transport, 'lc-when-data').send({ ins: 0xa1 })).sw).toBe(0x6985);
  });

  it('a key that keeps saying 61xx beyond 64 KiB is KEY_PROTOCOL, not an endless loop', async () => {
    const part = { capdu: '00a5000000', rapdu: '00'.repeat(256) + '6100' };
    const transport = new ScriptedApduTransport([{ capdu: '00a1000000', rapdu: '00'.repeat(256) + '6100' }, ...Array.from({ length: 300 }, () => part)]);
    await expect(new OathProtocol(transport, 'lc-always').send({ ins: 0xa1 })).rejects.toMatchObject({ code: 'KEY_PROTOCOL' });
  });

  it('a sensitive command is traced by header and length, its answer data too, and the transport is told', async () => {
    const lines: string[] = [];
    const transport = new ScriptedApduTransport([{ capdu: '00a3000004750200aa', rapdu: '75021122' + '9000' }]);
    await new OathProtocol(transport, 'lc-always', (line) => lines.push(line)).send({ ins: 0xa3, data: Uint8Array.of(0x75, 2, 0, 0xaa), sensitive: true });
    expect(lines).toEqual(['> 00a3000004 [4 bytes redacted]', '< [4 bytes redacted] 9000']);
    expect(transport.options[0]?.sensitive).toBe(true);
  });
});

describe('status words → our codes, per key and command', () => {
  const code = (dialect: OathDialect, sw: number, operation: OathOperation, touch: boolean | 'maybe' = false, elapsedMs = 0) =>
    statusError(sw, { dialect, operation, touch, elapsedMs, capacity: dialect.capacity({ major: 5, minor: 4, patch: 3 }) }).toInfo();

  it.each([
    [yubikeyDialect, 0x6984, 'delete', 'NOT_FOUND'],
    [yubikeyDialect, 0x6984, 'calculate', 'NOT_FOUND'],
    [yubikeyDialect, 0x6984, 'validate', 'INVALID_REQUEST'],
    [yubikeyDialect, 0x6a80, 'validate', 'KEY_PIN_WRONG'],
    [yubikeyDialect, 0x6a80, 'put', 'KEY_WRITE_REJECTED'],
    [yubikeyDialect, 0x6a84, 'put', 'KEY_FULL'],
    [yubikeyDialect, 0x6f00, 'put', 'KEY_FULL'],
    [yubikeyDialect, 0x6a82, 'select', 'KEY_UNSUPPORTED'],
    [yubikeyDialect, 0x6d00, 'rename', 'KEY_UNSUPPORTED'],
    [yubikeyDialect, 0x6581, 'calculate-all', 'KEY_PROTOCOL'],
    [nitrokey3Dialect, 0x6a82, 'calculate', 'NOT_FOUND'],
    [nitrokey3Dialect, 0x6a82, 'delete', 'NOT_FOUND'],
    [nitrokey3Dialect, 0x6983, 'put', 'KEY_CREDENTIAL_EXISTS'],
    [nitrokey3Dialect, 0x6300, 'verify-pin', 'KEY_PIN_WRONG'],
    [nitrokey3Dialect, 0x6a81, 'calculate', 'KEY_UNSUPPORTED'],
    [nitrokey3Dialect, 0x6a84, 'put', 'KEY_FULL'],
  ] as const)('%#: %s %s from %s is %s', (dialect, sw, operation, expected) => {
    expect(code(dialect, sw, operation).code).toBe(expected);
  });

  it('6982 is a touch timeout when a touch was due, or a late answer when one was possible; otherwise the key is locked', () => {
    expect(code(yubikeyDialect, 0x6982, 'calculate', true).code).toBe('KEY_TOUCH_TIMEOUT');
    expect(code(yubikeyDialect, 0x6982, 'calculate', 'maybe', 20_000).code).toBe('KEY_TOUCH_TIMEOUT');
    expect(code(yubikeyDialect, 0x6982, 'calculate', 'maybe', 10)).toMatchObject({ code: 'KEY_PIN_REQUIRED', details: { kind: 'password' } });
    expect(code(nitrokey3Dialect, 0x6982, 'list')).toMatchObject({ code: 'KEY_PIN_REQUIRED', details: { kind: 'pin' } });
    expect(code(nitrokey3Dialect, 0x6982, 'delete', true).code).toBe('KEY_TOUCH_TIMEOUT');
  });

  it('every error carries the status word and a capacity where it matters', () => {
    expect(code(nitrokey3Dialect, 0x6a84, 'put').details).toEqual({ sw: '6a84', capacity: 50 });
  });
});
