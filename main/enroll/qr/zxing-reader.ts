import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as ZxingReaderModule from 'zxing-wasm/reader';
import type { ReadResult } from 'zxing-wasm/reader';

/** Raw RGBA pixels, the shape zxing-wasm takes besides encoded images. */
export interface RgbaImage {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

type ZxingReader = typeof ZxingReaderModule;

let ready: Promise<ZxingReader> | undefined;

/**
 * zxing-cpp in wasm. By default it would fetch its wasm from a CDN; we hand it the binary shipped in
 * the package instead (no network, and the bytes npm verified). Loaded on the first decode: most
 * processes (a CLI printing a code) never decode an image.
 */
function loadReader(): Promise<ZxingReader> {
  ready ??= (async () => {
    const reader = await import('zxing-wasm/reader');
    const packageRoot = join(dirname(createRequire(import.meta.url).resolve('zxing-wasm/reader')), '..', '..', '..');
    const wasm = readFileSync(join(packageRoot, 'dist', 'reader', 'zxing_reader.wasm'));
    const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    await reader.prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
    return reader;
  })();
  return ready;
}

/** Every QR code zxing finds, including its error results (the caller sorts them out). */
export async function readQrCodes(image: Uint8Array | RgbaImage): Promise<ReadResult[]> {
  const { readBarcodes } = await loadReader();
  const input = image instanceof Uint8Array ? image : { ...image, colorSpace: 'srgb' as const };
  // zxing-wasm duck-types ImageData; Node has no DOM ImageData class to construct.
  return readBarcodes(input as Parameters<typeof readBarcodes>[0], {
    formats: ['QRCode'],
    tryHarder: true,
    tryRotate: true,
    tryInvert: true,
    tryDownscale: true,
    maxNumberOfSymbols: 32,
  });
}
