import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LatchkeyError } from '../../../shared/errors.js';
import { REPO_ROOT } from '../../test-support/facts.js';
import { readEnrollmentTexts } from '../read-enrollment-text.js';
import { decodeQrImage } from './decode-qr-image.js';

const FIXTURES = join(REPO_ROOT, 'main/enroll/qr/fixtures');
const manifest = z
  .object({ fixtures: z.array(z.object({ file: z.string(), note: z.string(), texts: z.array(z.string()).optional(), error: z.string().optional() })) })
  .parse(JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')));

const readable = manifest.fixtures.filter((f) => f.texts !== undefined);
const refused = manifest.fixtures.filter((f) => f.error !== undefined);

describe('QR fixtures (main/enroll/qr/fixtures, made by scripts/make-qr-fixtures.ts)', () => {
  it.each(readable)('$file: $note', async ({ file, texts }) => {
    const found = await decodeQrImage(new Uint8Array(readFileSync(join(FIXTURES, file))));
    expect([...found].sort()).toEqual([...(texts ?? [])].sort());
  });

  it.each(refused)('$file is refused with $error: $note', async ({ file, error }) => {
    const attempt = async () => readEnrollmentTexts(await decodeQrImage(new Uint8Array(readFileSync(join(FIXTURES, file)))));
    const caught = await attempt().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(caught).toBeInstanceOf(LatchkeyError);
    expect((caught as LatchkeyError).code).toBe(error);
  });

  it('covers every case the enrollment issue names', () => {
    const files = manifest.fixtures.map((f) => f.file);
    for (const name of ['screenshot-1080p.png', 'screenshot-4k.png', 'dark-mode.png', 'small-120.png', 'screenshot-q40.jpg', 'two-codes.png', 'plain.webp', 'plain.bmp', 'plain.gif', 'google-batch-3-of-3.png']) {
      expect(files).toContain(name);
    }
    expect(files.some((f) => f.startsWith('rotated-'))).toBe(true);
  });
});
