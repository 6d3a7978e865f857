import { checkImage } from './image-check.js';
import { QrError } from './qr-error.js';
import { readQrCodes, type RgbaImage } from './zxing-reader.js';

/**
 * The text of every QR code in an image, in reading order, duplicates removed. The size is checked
 * from the header first; zxing decodes PNG, JPEG, BMP and GIF itself, WebP goes through sharp.
 */
export async function decodeQrImage(bytes: Uint8Array): Promise<string[]> {
  const info = checkImage(bytes);
  const results = await readQrCodes(info.kind === 'webp' ? await webpPixels(bytes) : bytes);
  if (results.some((result) => !result.isValid && /load image/i.test(result.error))) {
    throw new QrError('QR_INVALID_IMAGE', `the ${info.kind.toUpperCase()} image is damaged and could not be decoded`);
  }
  const texts = [...new Set(results.filter((result) => result.isValid && result.text !== '').map((result) => result.text))];
  if (texts.length === 0) throw new QrError('QR_NOT_FOUND', 'no QR code was found in the image');
  return texts;
}

async function webpPixels(bytes: Uint8Array): Promise<RgbaImage> {
  // sharp (libvips) only for WebP, loaded then: zxing reads the other formats itself.
  const { default: sharp } = await import('sharp');
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: 50_000_000 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch {
    throw new QrError('QR_INVALID_IMAGE', 'the WebP image is damaged and could not be decoded');
  }
}
