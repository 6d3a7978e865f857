import QRCode from 'qrcode';
import { formatOtpauthUri } from '../../enroll/index.js';
import type { ExportAccount, ExportResult } from './export-types.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${String(char.charCodeAt(0))};`);

/**
 * A printable, self-contained HTML sheet: one QR code per account (inline PNG, no remote content),
 * to scan into a phone or keep on paper in a safe.
 */
export async function exportHtmlSheet(accounts: readonly ExportAccount[], generatedAt: Date): Promise<ExportResult> {
  const cards = await Promise.all(
    accounts.map(async (account) => {
      const qr = await QRCode.toDataURL(formatOtpauthUri(account), { errorCorrectionLevel: 'M', width: 220, margin: 1 });
      return `<figure><img src="${qr}" alt="QR code for ${escapeHtml(account.issuer)} ${escapeHtml(account.label)}"><figcaption><strong>${escapeHtml(account.issuer)}</strong><br>${escapeHtml(account.label)}</figcaption></figure>`;
    }),
  );
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>Latchkey accounts: keep this sheet secret</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}h1{font-size:1.2rem}p{color:#a00}main{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:1rem}figure{margin:0;padding:.5rem;border:1px solid #ccc;break-inside:avoid;text-align:center}figcaption{font-size:.85rem;overflow-wrap:anywhere}</style>
</head><body>
<h1>Latchkey: ${String(accounts.length)} account${accounts.length === 1 ? '' : 's'}, ${escapeHtml(generatedAt.toISOString().slice(0, 10))}</h1>
<p>Each code below is a secret key. Anyone who sees this sheet can make your codes. Print it, store it safely, delete the file.</p>
<main>${cards.join('\n')}</main>
</body></html>
`;
  return { files: [{ suffix: '.html', mime: 'text/html', bytes: new TextEncoder().encode(html) }], warnings: [], written: accounts.length };
}
