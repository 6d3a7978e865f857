/** Takes screenshots for QR scanning: one encoded image per display (SECURITY-NOTES §8: one at a time). */
export interface ScreenCapture {
  capture(): Promise<Uint8Array[]>;
}
