import { createRequire } from 'node:module';
import type * as ImageSizeModule from 'image-size';
import { QrError } from './qr-error.js';

/** SECURITY-NOTES §8: larger images are refused from their header, before any pixel is decoded. */
export const MAX_PIXELS = 50_000_000;

export type ImageKind = 'png' | 'jpg' | 'webp' | 'bmp' | 'gif';
const KINDS: readonly string[] = ['png', 'jpg', 'webp', 'bmp', 'gif'] satisfies ImageKind[];

export interface ImageInfo {
  readonly kind: ImageKind;
  readonly width: number;
  readonly height: number;
}

let imageSize: typeof ImageSizeModule.imageSize | undefined;

export function checkImage(bytes: Uint8Array): ImageInfo {
  // Loaded with the first image: a process that reads none (a CLI printing a code) never loads it.
  imageSize ??= (createRequire(import.meta.url)('image-size') as typeof ImageSizeModule).imageSize;
  let size: { type?: string; width: number; height: number };
  try {
    size = imageSize(bytes);
  } catch {
    throw new QrError('QR_INVALID_IMAGE', 'this is not an image we can read (PNG, JPEG, WebP, BMP or GIF)');
  }
  const kind = size.type === 'jpeg' ? 'jpg' : size.type;
  if (kind === undefined || !KINDS.includes(kind)) {
    throw new QrError('QR_INVALID_IMAGE', `${kind ?? 'this'} images are not supported: use PNG, JPEG, WebP, BMP or GIF`);
  }
  if (size.width * size.height > MAX_PIXELS) {
    throw new QrError('QR_IMAGE_TOO_LARGE', `the image is ${String(size.width)}×${String(size.height)}: over 50 megapixels`);
  }
  return { kind: kind as ImageKind, width: size.width, height: size.height };
}
