import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { z } from 'zod';
import { decodeQrImage } from '../main/enroll/index.js';
import type { BenchRow } from './measure.js';

// jsQR ships CommonJS whose default export TypeScript's ESM view does not see as callable.
const jsQR = createRequire(import.meta.url)('jsqr') as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'main/enroll/qr/fixtures');
const manifest = z
  .object({ fixtures: z.array(z.object({ file: z.string(), texts: z.array(z.string()).optional() })) })
  .parse(JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')));
const readable = manifest.fixtures.filter((f): f is { file: string; texts: string[] } => f.texts !== undefined);

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((text, i) => text === [...b].sort()[i]);

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function ours(file: string): Promise<string[]> {
  try {
    return await decodeQrImage(new Uint8Array(readFileSync(join(FIXTURES, file))));
  } catch {
    return [];
  }
}

function zbar(file: string): string[] {
  try {
    return execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', join(FIXTURES, file)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((line) => line !== '');
  } catch {
    return [];
  }
}

/** jsQR finds one code per image, from RGBA pixels (decoded here by sharp). */
async function jsqr(file: string): Promise<string[]> {
  try {
    const { data, info } = await sharp(readFileSync(join(FIXTURES, file))).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const found = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
    return found === null ? [] : [found.data];
  } catch {
    return [];
  }
}

function zbarAvailable(): boolean {
  try {
    execFileSync('zbarimg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function time(run: () => unknown, repeats: number): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Decode time on the 4K screenshot, and successes on the whole fixture set, against zbar and jsQR. */
export async function benchQr(): Promise<BenchRow[]> {
  const hasZbar = zbarAvailable();
  const big = 'screenshot-4k.png';
  const oursMs = await time(() => ours(big), 9);
  const zbarMs = hasZbar ? await time(() => zbar(big), 5) : Number.NaN;
  const jsqrMs = await time(() => jsqr(big), 5);

  let oursOk = 0;
  let zbarOk = 0;
  let jsqrOk = 0;
  for (const { file, texts } of readable) {
    if (sameSet(await ours(file), texts)) oursOk++;
    if (hasZbar && sameSet(zbar(file), texts)) zbarOk++;
    if (sameSet(await jsqr(file), texts)) jsqrOk++;
  }
  const total = readable.length;
  return [
    {
      name: 'QR decode, 3840×2160 screenshot',
      figure: `${oursMs.toFixed(0)} ms (zxing-wasm)`,
      peer: hasZbar ? `${zbarMs.toFixed(0)} ms (zbarimg, whole process)` : 'zbarimg missing',
      ratio: hasZbar ? `${(oursMs / zbarMs).toFixed(2)}×` : '',
      note: `jsQR + sharp: ${jsqrMs.toFixed(0)} ms (${(oursMs / jsqrMs).toFixed(2)}×); target < 150 ms`,
    },
    {
      name: 'QR fixtures decoded exactly',
      figure: `${String(oursOk)}/${String(total)}`,
      peer: hasZbar ? `${String(zbarOk)}/${String(total)} (zbarimg)` : 'zbarimg missing',
      ratio: '',
      note: `jsQR: ${String(jsqrOk)}/${String(total)}`,
    },
  ];
}
