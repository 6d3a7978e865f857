import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DesktopCapturer, DesktopCapturerSource, Screen } from 'electron';
import { describe, expect, it } from 'vitest';
import { decodeQrImage } from '../enroll/index.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { desktopScreenCapture } from './desktop-capture.js';

const SCREENSHOT = readFileSync(join(REPO_ROOT, 'main', 'enroll', 'qr', 'fixtures', 'screenshot-1080p.png'));

/** desktopCapturer's shape, as Electron documents it: sources whose thumbnail is a NativeImage. */
function fakeCapturer(pngs: readonly Buffer[], asked: Electron.SourcesOptions[]): Pick<DesktopCapturer, 'getSources'> {
  return {
    getSources: (options) => {
      asked.push(options);
      return Promise.resolve(pngs.map((png, i) => ({ id: `screen:${String(i)}`, name: `Screen ${String(i)}`, thumbnail: { toPNG: () => png } }) as unknown as DesktopCapturerSource));
    },
  };
}

const displays = (sizes: { width: number; height: number; scaleFactor: number }[]): Pick<Screen, 'getAllDisplays'> => ({
  getAllDisplays: () => sizes.map(({ width, height, scaleFactor }) => ({ size: { width, height }, scaleFactor })) as ReturnType<Screen['getAllDisplays']>,
});

describe('desktopScreenCapture (the app’s "Scan the screen")', () => {
  it('asks for screens only, at the largest display’s pixel size, and returns each as PNG bytes the QR reader reads', async () => {
    const asked: Electron.SourcesOptions[] = [];
    const capture = desktopScreenCapture(fakeCapturer([SCREENSHOT], asked), displays([{ width: 1280, height: 800, scaleFactor: 2 }, { width: 1920, height: 1080, scaleFactor: 1 }]));
    const images = await capture.capture();
    expect(asked).toEqual([{ types: ['screen'], thumbnailSize: { width: 2560, height: 1600 } }]);
    expect(images).toHaveLength(1);
    const found = await decodeQrImage(images[0] ?? new Uint8Array());
    expect(found).toEqual([expect.stringMatching(/^otpauth:\/\/totp\/Mailbox:/)]);
  });

  it('drops empty thumbnails (a display that could not be captured)', async () => {
    const capture = desktopScreenCapture(fakeCapturer([Buffer.alloc(0), SCREENSHOT], []), displays([{ width: 800, height: 600, scaleFactor: 1 }]));
    expect(await capture.capture()).toHaveLength(1);
  });
});
