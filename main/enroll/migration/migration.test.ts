import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCodeGenerator } from '../../otp/index.js';
import { REPO_ROOT } from '../../test-support/facts.js';
import { goldenAccount } from '../../test-support/golden-accounts.js';
import { decodeQrImage } from '../qr/decode-qr-image.js';
import { BatchTracker } from './batch-tracker.js';
import { formatMigrationUris } from './format-migration-uri.js';
import { parseMigrationUri } from './parse-migration-uri.js';

const AT = 1_700_000_000_000;
const codeOf = (a: Parameters<typeof createCodeGenerator>[0] & { secret: Uint8Array }) => createCodeGenerator(a, a.secret).codeAt(AT).code;

/** Protobuf by hand (an encoder independent of protobufjs): varints and length-delimited fields. */
function varint(value: bigint): number[] {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? byte : byte | 0x80);
  } while (v !== 0n);
  return out;
}
const field = (n: number, value: bigint) => [...varint(BigInt(n << 3)), ...varint(value)];
const bytesField = (n: number, bytes: number[]) => [...varint(BigInt((n << 3) | 2)), ...varint(BigInt(bytes.length)), ...bytes];
const text = (s: string) => [...Buffer.from(s, 'utf8')];
const uriOf = (payload: number[]) => `otpauth-migration://offline?data=${encodeURIComponent(Buffer.from(payload).toString('base64'))}`;

describe('the three-part Google export fixture', () => {
  const images = [1, 2, 3].map((n) => readFileSync(join(REPO_ROOT, `main/enroll/qr/fixtures/google-batch-${String(n)}-of-3.png`)));

  it('decodes to the 25 golden accounts, by secret and by code', async () => {
    const accounts = [];
    for (const image of images) accounts.push(...parseMigrationUri((await decodeQrImage(new Uint8Array(image)))[0] ?? '').accounts);
    expect(accounts).toHaveLength(25);
    accounts.forEach((account, i) => {
      const golden = goldenAccount(i + 10);
      expect(Buffer.from(account.secret).equals(Buffer.from(golden.secret))).toBe(true);
      expect(codeOf(account)).toBe(codeOf(golden));
      expect(account).toMatchObject({ issuer: golden.issuer, label: golden.label, type: golden.type, digits: golden.digits });
    });
  });

  it('reports the negative batch id exactly, and which parts are missing, in any order', async () => {
    const tracker = new BatchTracker();
    const third = parseMigrationUri((await decodeQrImage(new Uint8Array(images[2] ?? []))).at(0) ?? '');
    expect(third.batch).toEqual({ id: -1_234_567_890, index: 2, size: 3 });
    tracker.record(third.batch);
    expect(tracker.progress(third.batch.id)).toMatchObject({ received: [2], missing: [0, 1] });
    tracker.record({ ...third.batch, index: 0 });
    tracker.record({ ...third.batch, index: 1 });
    expect(tracker.progress(third.batch.id)?.missing).toEqual([]);
  });
});

describe('payload rules (shared/formats/google-migration.md)', () => {
  const secret = [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef];
  const entry = (...fields: number[][]) => bytesField(1, fields.flat());

  it('maps enums, splits Issuer:name, drops a repeated prefix, skips unknown fields', () => {
    const payload = [
      ...entry(bytesField(1, secret), bytesField(2, text('Example:alice')), field(4, 2n), field(5, 2n), field(6, 2n)),
      ...entry(bytesField(1, secret), bytesField(2, text('Serenity:bob')), bytesField(3, text('Serenity')), field(6, 1n), field(7, 42n)),
      ...entry(bytesField(1, secret), bytesField(2, text('plain')), field(99, 7n)),
      ...field(2, 1n),
    ];
    const { accounts, invalid } = parseMigrationUri(uriOf(payload));
    expect(invalid).toEqual([]);
    expect(accounts[0]).toMatchObject({ type: 'totp', issuer: 'Example', label: 'alice', algorithm: 'SHA256', digits: 8, period: 30 });
    expect(accounts[1]).toMatchObject({ type: 'hotp', issuer: 'Serenity', label: 'bob', algorithm: 'SHA1', digits: 6, counter: 42n });
    expect(accounts[2]).toMatchObject({ type: 'totp', issuer: '', label: 'plain', algorithm: 'SHA1', digits: 6 });
  });

  it('collects MD5 and empty-secret entries as invalid, keeping the rest', () => {
    const payload = [...entry(bytesField(1, secret), field(4, 4n)), ...entry(bytesField(2, text('no secret'))), ...entry(bytesField(1, secret))];
    const { accounts, invalid } = parseMigrationUri(uriOf(payload));
    expect(accounts).toHaveLength(1);
    expect(invalid).toEqual([
      { index: 0, field: 'algorithm', reason: 'algorithm MD5 is not supported' },
      { index: 1, field: 'secret', reason: 'the secret is empty' },
    ]);
  });

  it('keeps a + in the data, whether escaped, bare, or turned into a space', () => {
    // Find a payload whose Base64 holds a '+'.
    let payload: number[] = [];
    for (let n = 0; n < 500 && !Buffer.from(payload).toString('base64').includes('+'); n++) payload = entry(bytesField(1, [...secret, n, 0xfb, 0xef]));
    const base64 = Buffer.from(payload).toString('base64');
    expect(base64).toContain('+');
    const expected = parseMigrationUri(`otpauth-migration://offline?data=${encodeURIComponent(base64)}`).accounts[0]?.secret;
    for (const data of [base64, base64.replace(/\+/g, ' ')]) {
      expect(parseMigrationUri(`otpauth-migration://offline?data=${data}`).accounts[0]?.secret).toEqual(expected);
    }
  });

  it.each([
    ['no data', 'otpauth-migration://offline'],
    ['the wrong host', 'otpauth-migration://online?data=CgA='],
    ['not Base64', 'otpauth-migration://offline?data=%%%%'],
    ['truncated protobuf', uriOf([...entry(bytesField(1, secret))].slice(0, 5))],
    ['batch index past the batch size', uriOf([...entry(bytesField(1, secret)), ...field(3, 2n), ...field(4, 2n)])],
    ['no accounts', uriOf(field(2, 1n))],
  ])('refuses %s with MIGRATION_MALFORMED', (_name, uri) => {
    expect(() => parseMigrationUri(uri)).toThrow(expect.objectContaining({ code: 'MIGRATION_MALFORMED' }) as Error);
  });

  it('our encoder writes batches of ten that read back to the same accounts', () => {
    const accounts = Array.from({ length: 23 }, (_, i) => goldenAccount(i));
    const uris = formatMigrationUris(accounts, -7);
    expect(uris).toHaveLength(3);
    const back = uris.flatMap((uri) => parseMigrationUri(uri).accounts);
    expect(back.map((a) => codeOf(a))).toEqual(accounts.map((a) => codeOf(a)));
    expect(parseMigrationUri(uris[1] ?? '').batch).toEqual({ id: -7, index: 1, size: 3 });
  });
});
