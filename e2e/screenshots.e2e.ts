import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALE, SCHEMES, SCREENS, takeScreenshots, WINDOW, type ScreenshotResult } from '../scripts/screenshots.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
let dir: string;
let result: ScreenshotResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-screenshots-'));
  result = await takeScreenshots(dir);
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Greyscale pixels at a quarter of the size: enough to judge "blank" and "the same". */
async function grey(file: string): Promise<Buffer> {
  return sharp(file).greyscale().resize(Math.round(WINDOW.width / 2), Math.round(WINDOW.height / 2), { kernel: 'nearest' }).raw().toBuffer();
}

describe('npm run screenshots', () => {
  it('reaches every screen', () => {
    expect(result.failures).toEqual([]);
  });

  it.each(SCREENS)('%s: a light and a dark PNG of the window, neither blank, not the same', async (screen) => {
    const files = SCHEMES.map((scheme) => join(dir, `${screen}-${scheme}.png`));
    for (const file of files) {
      expect(result.files, `${file} was not written`).toContain(file);
      expect(readFileSync(file).subarray(0, 8).equals(PNG_SIGNATURE), `${file} is not a PNG`).toBe(true);
      const image = sharp(file);
      const { width, height, format } = await image.metadata();
      expect({ width, height, format }).toEqual({ width: WINDOW.width * SCALE, height: WINDOW.height * SCALE, format: 'png' });
      const { channels } = await image.stats();
      expect(Math.max(...channels.slice(0, 3).map((c) => c.stdev)), `${file} is nearly one colour`).toBeGreaterThan(10);
      const { data } = await sharp(file).removeAlpha().resize(220, 380, { kernel: 'nearest' }).raw().toBuffer({ resolveWithObject: true });
      const colours = new Set<number>();
      for (let i = 0; i + 2 < data.length; i += 3) colours.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
      expect(colours.size, `${file} has too few colours`).toBeGreaterThanOrEqual(16);
    }
    const [light, dark] = await Promise.all(files.map(grey));
    if (light === undefined || dark === undefined) throw new Error('unreachable');
    let difference = 0;
    let lightSum = 0;
    let darkSum = 0;
    for (let i = 0; i < light.length; i++) {
      difference += Math.abs((light[i] ?? 0) - (dark[i] ?? 0));
      lightSum += light[i] ?? 0;
      darkSum += dark[i] ?? 0;
    }
    expect(difference / light.length, 'light and dark look the same').toBeGreaterThan(20);
    expect(lightSum, 'the light one is not lighter than the dark one').toBeGreaterThan(darkSum);
  });
});
