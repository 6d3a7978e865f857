import type { QrMatrix } from '../../../shared/vault-api.js';

/** Draws a QR module grid as one SVG path (with the 4-module quiet zone scanners need). */
export function QrCode({ qr, label }: { qr: QrMatrix; label: string }) {
  const quiet = 4;
  let path = '';
  for (let row = 0; row < qr.size; row++) {
    for (let column = 0; column < qr.size; column++) {
      if (qr.modules[row * qr.size + column] === '1') path += `M${String(column + quiet)} ${String(row + quiet)}h1v1h-1z`;
    }
  }
  const extent = qr.size + quiet * 2;
  return (
    <svg className="qr" viewBox={`0 0 ${String(extent)} ${String(extent)}`} role="img" aria-label={label} shapeRendering="crispEdges">
      <rect width={extent} height={extent} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
