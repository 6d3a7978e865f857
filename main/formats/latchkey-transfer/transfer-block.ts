import { createHash } from 'node:crypto';
import { ImportError } from '../import-error.js';

/**
 * The clipboard transfer block: `LKX1-` + Base64url of a backup-format payload + `-` + a six-letter
 * check group, so a clipped or mistyped paste is caught before any password is tried.
 */
export const TRANSFER_PREFIX = 'LKX1-';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function checkGroup(payload: Uint8Array): string {
  const digest = createHash('sha256').update(payload).digest();
  let group = '';
  for (let i = 0; i < 6; i++) group += ALPHABET.charAt((digest[i] ?? 0) & 31);
  return group;
}

export function formatTransferBlock(payload: Uint8Array): string {
  return `${TRANSFER_PREFIX}${Buffer.from(payload).toString('base64url')}-${checkGroup(payload)}`;
}

export function parseTransferBlock(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!compact.startsWith(TRANSFER_PREFIX)) throw new ImportError('IMPORT_MALFORMED', 'this is not a Latchkey transfer block (it starts with LKX1-)', { path: '$' });
  const body = compact.slice(TRANSFER_PREFIX.length);
  const dash = body.lastIndexOf('-');
  const encoded = body.slice(0, dash);
  if (dash === -1 || !/^[A-Za-z0-9_-]+$/.test(encoded)) throw new ImportError('IMPORT_MALFORMED', 'the transfer block is cut short or damaged', { path: '$' });
  const payload = new Uint8Array(Buffer.from(encoded, 'base64url'));
  if (checkGroup(payload) !== body.slice(dash + 1)) {
    throw new ImportError('IMPORT_INTEGRITY', 'the transfer block was not copied whole (its check group does not match)');
  }
  return payload;
}
