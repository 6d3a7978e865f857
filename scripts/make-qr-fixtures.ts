/**
 * Makes the QR fixtures in main/enroll/qr/fixtures/ with `qrcode` and `sharp` (run: npm run fixtures:qr).
 * Every file is our own, made from the accounts below; manifest.json says what each must decode to.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { formatMigrationUris } from '../main/enroll/migration/format-migration-uri.js';
import { formatOtpauthUri } from '../main/enroll/uri/format-otpauth-uri.js';
import { REPO_ROOT } from '../main/test-support/facts.js';
import { goldenAccount } from '../main/test-support/golden-accounts.js';

const OUT = join(REPO_ROOT, 'main/enroll/qr/fixtures');
const manifest: { file: string; texts?: string[]; error?: string; note: string }[] = [];

const account = goldenAccount;

const URI_A = formatOtpauthUri(account(1));
const URI_B = formatOtpauthUri(account(2));

async function qrPng(text: string, width: number, dark = '#000000', light = '#ffffff'): Promise<Buffer> {
  return QRCode.toBuffer(text, { width, margin: 2, errorCorrectionLevel: 'M', color: { dark, light } });
}

/** A plausible desktop: a gradient, a few windows with title bars and text-like lines. */
function desktop(width: number, height: number, darkMode = false): ReturnType<typeof sharp> {
  const bg = darkMode ? ['#101418', '#1d2530'] : ['#3f6e9e', '#9fc3e6'];
  const windowFill = darkMode ? '#22272e' : '#f6f7f9';
  const lineFill = darkMode ? '#57606a' : '#c9ced6';
  const frames: [number, number, number, number][] = [
    [0.05, 0.08, 0.45, 0.55],
    [0.42, 0.2, 0.5, 0.6],
  ];
  const windows = frames
    .map(([x, y, w, h]) => {
      const [px, py, pw, ph] = [x * width, y * height, w * width, h * height].map(Math.round) as [number, number, number, number];
      const lines = Array.from({ length: 12 }, (_, i) => `<rect x="${String(px + 24)}" y="${String(py + 60 + i * 28)}" width="${String(Math.round(pw * (0.4 + ((i * 37) % 50) / 100)))}" height="10" rx="5" fill="${lineFill}"/>`).join('');
      return `<rect x="${String(px)}" y="${String(py)}" width="${String(pw)}" height="${String(ph)}" rx="10" fill="${windowFill}"/><rect x="${String(px)}" y="${String(py)}" width="${String(pw)}" height="36" rx="10" fill="${darkMode ? '#2d333b' : '#dde1e6'}"/>${lines}`;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${bg[0] ?? ''}"/><stop offset="1" stop-color="${bg[1] ?? ''}"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${windows}</svg>`;
  return sharp(Buffer.from(svg));
}

function save(file: string, image: Buffer, note: string, expected: { texts?: string[]; error?: string }): void {
  writeFileSync(join(OUT, file), image);
  manifest.push({ file, note, ...expected });
}

/** A 24-bit BMP written by hand: sharp has no BMP output. */
async function toBmp(png: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const rowBytes = Math.ceil((info.width * 3) / 4) * 4;
  const header = Buffer.alloc(54);
  header.write('BM', 0);
  header.writeUInt32LE(54 + rowBytes * info.height, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(info.width, 18);
  header.writeInt32LE(info.height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(rowBytes * info.height, 34);
  const pixels = Buffer.alloc(rowBytes * info.height);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const from = (y * info.width + x) * 3;
      const to = (info.height - 1 - y) * rowBytes + x * 3;
      pixels[to] = data[from + 2] ?? 0;
      pixels[to + 1] = data[from + 1] ?? 0;
      pixels[to + 2] = data[from] ?? 0;
    }
  }
  return Buffer.concat([header, pixels]);
}

/** A PNG whose header claims 20000×20000 pixels: it must be refused from the header alone. */
function hugeHeaderPng(): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4);
  ihdr.writeUInt32BE(20_000, 8);
  ihdr.writeUInt32BE(20_000, 12);
  ihdr.set([8, 2, 0, 0, 0], 16);
  return Buffer.concat([signature, ihdr, Buffer.from('not really image data')]);
}

const plain = await qrPng(URI_A, 400);
save('plain.png', plain, 'a bare QR code, 400 px', { texts: [URI_A] });
save('plain.webp', await sharp(plain).webp({ quality: 90 }).toBuffer(), 'plain.png as WebP', { texts: [URI_A] });
save('plain.gif', await sharp(plain).gif().toBuffer(), 'plain.png as GIF', { texts: [URI_A] });
save('plain.bmp', await toBmp(plain), 'plain.png as a 24-bit BMP (hand-written header)', { texts: [URI_A] });

const shot1080 = await (desktop(1920, 1080)).composite([{ input: await qrPng(URI_A, 180), left: 1700, top: 860 }]).png().toBuffer();
save('screenshot-1080p.png', shot1080, '1920×1080 desktop, 180 px QR in the bottom-right corner', { texts: [URI_A] });
const shot4k = await (desktop(3840, 2160)).composite([{ input: await qrPng(URI_B, 200), left: 3580, top: 80 }]).png().toBuffer();
save('screenshot-4k.png', shot4k, '3840×2160 desktop, 200 px QR in the top-right corner (the benchmark image)', { texts: [URI_B] });
save('screenshot-q40.jpg', await sharp(shot1080).jpeg({ quality: 40 }).toBuffer(), 'screenshot-1080p.png as JPEG quality 40', { texts: [URI_A] });
const dark = await (desktop(1920, 1080, true)).composite([{ input: await qrPng(URI_B, 240, '#e6edf3', '#22272e'), left: 900, top: 500 }]).png().toBuffer();
save('dark-mode.png', dark, '1080p dark desktop with an inverted QR (light modules on dark)', { texts: [URI_B] });
for (const angle of [8, 25]) {
  const rotated = await sharp(await qrPng(URI_A, 300)).rotate(angle, { background: '#ffffff' }).png().toBuffer();
  const page = await (desktop(1280, 800)).composite([{ input: rotated, left: 400, top: 150 }]).png().toBuffer();
  save(`rotated-${String(angle)}.png`, page, `the QR rotated ${String(angle)}° on a 1280×800 desktop`, { texts: [URI_A] });
}
const small = await sharp(await qrPng(URI_B, 400)).resize(120, 120, { kernel: 'lanczos3' }).png().toBuffer();
save('small-120.png', await (desktop(1280, 800)).composite([{ input: small, left: 1000, top: 600 }]).png().toBuffer(), 'a QR scaled down to 120 px on a 1280×800 desktop', { texts: [URI_B] });
const two = await (desktop(1280, 800)).composite([
  { input: await qrPng(URI_A, 260), left: 120, top: 200 },
  { input: await qrPng(URI_B, 260), left: 800, top: 260 },
]).png().toBuffer();
save('two-codes.png', two, 'two different QR codes on one 1280×800 desktop', { texts: [URI_A, URI_B] });

const batch = formatMigrationUris(Array.from({ length: 25 }, (_, i) => account(i + 10)), -1_234_567_890);
for (const [i, uri] of batch.entries()) {
  save(`google-batch-${String(i + 1)}-of-3.png`, await qrPng(uri, 600), `Google Authenticator export, QR ${String(i + 1)} of 3 (25 accounts, batch id -1234567890)`, { texts: [uri] });
}

save('no-qr.png', await (desktop(800, 600)).png().toBuffer(), 'a desktop without any QR code', { error: 'QR_NOT_FOUND' });
save('not-otp.png', await qrPng('https://example.com/welcome', 300), 'a QR code holding a web link', { error: 'QR_NOT_OTP' });
save('not-an-image.png', Buffer.from('This is a text file with a .png name.\n'), 'text bytes named .png', { error: 'QR_INVALID_IMAGE' });
save('huge-header.png', hugeHeaderPng(), 'a PNG header claiming 20000×20000 pixels', { error: 'QR_IMAGE_TOO_LARGE' });
const truncated = (batch[0] ?? '').slice(0, 80);
save('truncated-migration.png', await qrPng(truncated, 300), 'a QR holding the first 80 characters of an export URI', { error: 'MIGRATION_MALFORMED' });
save('bad-secret.png', await qrPng('otpauth://totp/Shop:me?secret=NOT-BASE32-189', 300), 'a QR holding an otpauth URI with a non-Base32 secret', { error: 'URI_BAD_SECRET' });

writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify({ accounts: { URI_A, URI_B }, fixtures: manifest }, null, 2)}\n`);
console.log(`wrote ${String(manifest.length)} fixtures to ${OUT}`);
