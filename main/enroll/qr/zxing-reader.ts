import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { prepareZXingModule, readBarcodes, type ReadResult } from 'zxing-wasm/reader';

/** Raw RGBA pixels, the shape zxing-wasm takes besides encoded images. */
export interface RgbaImage {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

let ready: Promise<unknown> | undefined;

/**
 * zxing-cpp in wasm. By default it would fetch its wasm from a CDN; we hand it the binary shipped in
 * the package instead (no network, and the bytes npm verified).
 */
function loadReader(): Promise<unknown> {
  ready ??= (() => {
    const packageRoot = join(dirname(createRequire(import.meta.url).resolve('zxing-wasm/reader')), '..', '..', '..');
    const wasm = readFileSync(join(packageRoot, 'dist', 'reader', 'zxing_reader.wasm'));
    const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    return prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
  })();
  return ready;
}

/** Every QR code zxing finds, including its error results (the caller sorts them out). */
export async function readQrCodes(image: Uint8Array | RgbaImage): Promise<ReadResult[]> {
  await loadReader();
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
