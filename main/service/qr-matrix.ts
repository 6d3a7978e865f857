import { createRequire } from 'node:module';
import type QRCode from 'qrcode';
import type { QrMatrix } from '../../shared/vault-api.js';

/** The module grid of a QR code for `text` (error correction M, what phone scanners expect). */
export function qrMatrix(text: string): QrMatrix {
  // Loaded with the first QR shown: listing accounts and printing codes never draw one.
  const { create } = createRequire(import.meta.url)('qrcode') as typeof QRCode;
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  let bits = '';
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) bits += modules.get(row, column) ? '1' : '0';
  }
  return { size: modules.size, modules: bits };
}
