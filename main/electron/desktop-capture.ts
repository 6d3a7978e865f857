import type { DesktopCapturer, Screen } from 'electron';
import type { ScreenCapture } from '../service/index.js';

/**
 * "Scan the screen" in the app: one PNG per display through desktopCapturer, at the display's full
 * pixel size (thumbnails default to 150×150, far too small to read a QR code). Nothing is kept.
 */
export function desktopScreenCapture(capturer: Pick<DesktopCapturer, 'getSources'>, screen: Pick<Screen, 'getAllDisplays'>): ScreenCapture {
  return {
    async capture() {
      const largest = screen.getAllDisplays().reduce(
        (size, display) => ({
          width: Math.max(size.width, Math.round(display.size.width * display.scaleFactor)),
          height: Math.max(size.height, Math.round(display.size.height * display.scaleFactor)),
        }),
        { width: 0, height: 0 },
      );
      const sources = await capturer.getSources({ types: ['screen'], thumbnailSize: largest });
      return sources.map((source) => new Uint8Array(source.thumbnail.toPNG())).filter((png) => png.length > 0);
    },
  };
}
