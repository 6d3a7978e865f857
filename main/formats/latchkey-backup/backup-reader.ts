import type { BackupSodium as Sodium, BackupStreamState } from './backup-sodium.js';
import { BackupError } from './backup-error.js';
import {
  BACKUP_VERSION,
  backupEntrySchema,
  backupHeaderSchema,
  MAGIC,
  MAX_CHUNK_BYTES,
  MAX_HEADER_BYTES,
  PLAINTEXT_CLOSING,
  PLAINTEXT_OPENING,
  PRELUDE_FIXED_BYTES,
  STREAM_HEADER_BYTES,
  type BackupEntry,
  type BackupHeader,
} from './backup-format.js';
import { keyCheck } from './backup-key.js';
import { concatBytes } from './concat.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

export interface BackupPrelude {
  readonly header: BackupHeader;
  /** Magic through stream header: the first chunk's associated data. */
  readonly bytes: Uint8Array;
  readonly streamHeader: Uint8Array;
}

/** Reads the prelude from the start of a file; undefined when more bytes are needed. */
export function readPrelude(start: Uint8Array, fileComplete: boolean): BackupPrelude | undefined {
  const need = (length: number): boolean => {
    if (start.length >= length) return true;
    if (fileComplete) throw new BackupError('BACKUP_TRUNCATED', 'the backup ends inside its header');
    return false;
  };
  // Judge the magic on whatever has arrived, so a short file that is not a backup is named as such.
  const magicSoFar = new TextDecoder().decode(start.subarray(0, Math.min(8, start.length)));
  if (!MAGIC.startsWith(magicSoFar) || (fileComplete && start.length === 0)) throw new BackupError('BACKUP_MALFORMED', 'this is not a Latchkey backup (.lkbak)');
  if (!need(PRELUDE_FIXED_BYTES)) return undefined;
  const view = new DataView(start.buffer, start.byteOffset, start.byteLength);
  const version = view.getUint16(8, true);
  if (version > BACKUP_VERSION) throw new BackupError('BACKUP_TOO_NEW', `the backup is version ${String(version)}; this Latchkey reads version ${String(BACKUP_VERSION)}`, { found: version, supported: BACKUP_VERSION });
  if (version < 1) throw new BackupError('BACKUP_MALFORMED', 'the backup version is invalid');
  const headerLength = view.getUint32(10, true);
  if (headerLength > MAX_HEADER_BYTES) throw new BackupError('BACKUP_MALFORMED', 'the backup header is larger than 4 KiB', { headerLength });
  const total = PRELUDE_FIXED_BYTES + headerLength + STREAM_HEADER_BYTES;
  if (!need(total)) return undefined;
  let header: BackupHeader;
  try {
    header = backupHeaderSchema.parse(JSON.parse(decoder.decode(start.subarray(PRELUDE_FIXED_BYTES, PRELUDE_FIXED_BYTES + headerLength))));
  } catch {
    throw new BackupError('BACKUP_MALFORMED', 'the backup header is damaged');
  }
  return { header, bytes: start.slice(0, total), streamHeader: start.slice(total - STREAM_HEADER_BYTES, total) };
}

/**
 * Decrypts a backup's chunks as they are fed, a line (an account) at a time: memory stays flat. Every
 * failure has its code: a chunk that fails to open, a missing FINAL, bytes after FINAL.
 */
export class BackupReader {
  private readonly sodium: Sodium;
  private readonly state: BackupStreamState;
  private readonly prelude: Uint8Array;
  private buffered: Uint8Array = new Uint8Array(0);
  /** Its own decoder: streaming state must not be shared between readers. */
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private text = '';
  private chunks = 0;
  private finished = false;
  private opened = false;
  private closed = false;

  constructor(sodium: Sodium, key: Uint8Array, prelude: BackupPrelude) {
    if (keyCheck(sodium, key) !== prelude.header.check) throw new BackupError('BACKUP_WRONG_PASSWORD', 'wrong backup password');
    this.sodium = sodium;
    this.prelude = prelude.bytes;
    this.state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(prelude.streamHeader, key);
  }

  /** Feeds file bytes after the prelude; returns the accounts completed by them. */
  feed(bytes: Uint8Array): BackupEntry[] {
    if (bytes.length === 0) return [];
    if (this.finished) throw new BackupError('BACKUP_TRAILING_DATA', 'there are bytes after the end of the backup');
    this.buffered = this.buffered.length === 0 ? bytes : concatBytes([this.buffered, bytes]);
    const entries: BackupEntry[] = [];
    while (this.buffered.length > 0) {
      if (this.isFinished()) throw new BackupError('BACKUP_TRAILING_DATA', 'there are bytes after the end of the backup');
      if (this.buffered.length < 4) break;
      const length = new DataView(this.buffered.buffer, this.buffered.byteOffset, 4).getUint32(0, true);
      if (length < 17 || length > MAX_CHUNK_BYTES) throw new BackupError('BACKUP_INTEGRITY', `chunk ${String(this.chunks + 1)} of the backup is damaged (impossible length)`);
      if (this.buffered.length < 4 + length) break;
      entries.push(...this.openChunk(this.buffered.subarray(4, 4 + length)));
      this.buffered = this.buffered.subarray(4 + length);
    }
    return entries;
  }

  /** A method, not the field, so TypeScript does not narrow it away across openChunk() calls. */
  private isFinished(): boolean {
    return this.finished;
  }

  /** Call at end of file: the last chunk must have been FINAL, with nothing after it. */
  end(): void {
    if (!this.finished) throw new BackupError('BACKUP_TRUNCATED', `the backup ends early (after chunk ${String(this.chunks)}, with no final chunk)`);
    if (this.buffered.length > 0) throw new BackupError('BACKUP_TRAILING_DATA', 'there are bytes after the end of the backup');
  }

  private openChunk(ciphertext: Uint8Array): BackupEntry[] {
    const { sodium } = this;
    // libsodium.js returns false (it does not throw) for a forged or damaged chunk.
    const result = sodium.crypto_secretstream_xchacha20poly1305_pull(this.state, ciphertext, this.chunks === 0 ? this.prelude : null);
    this.chunks++;
    if (result === false) throw new BackupError('BACKUP_INTEGRITY', `chunk ${String(this.chunks)} of the backup is damaged`);
    if (result.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) this.finished = true;
    else if (result.tag !== sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) throw new BackupError('BACKUP_INTEGRITY', 'the backup has an unexpected chunk tag');
    let text: string;
    try {
      text = this.utf8.decode(result.message, { stream: !this.finished });
    } catch {
      throw new BackupError('BACKUP_MALFORMED', 'the backup plaintext is not UTF-8');
    } finally {
      sodium.memzero(result.message);
    }
    return this.lines(text);
  }

  private lines(text: string): BackupEntry[] {
    this.text += text;
    const entries: BackupEntry[] = [];
    let newline = this.text.indexOf('\n');
    while (newline !== -1) {
      const line = this.text.slice(0, newline);
      this.text = this.text.slice(newline + 1);
      const entry = this.line(line);
      if (entry !== undefined) entries.push(entry);
      newline = this.text.indexOf('\n');
    }
    if (this.finished && (this.text !== '' || !this.closed)) throw new BackupError('BACKUP_MALFORMED', 'the backup plaintext does not end as it should');
    return entries;
  }

  private line(line: string): BackupEntry | undefined {
    if (!this.opened) {
      if (`${line}\n` !== PLAINTEXT_OPENING) throw new BackupError('BACKUP_MALFORMED', 'the backup plaintext does not start as it should');
      this.opened = true;
      return undefined;
    }
    if (`${line}\n` === PLAINTEXT_CLOSING) {
      this.closed = true;
      return undefined;
    }
    if (this.closed) throw new BackupError('BACKUP_MALFORMED', 'the backup plaintext goes on after its end');
    if (line === '') return undefined;
    try {
      return backupEntrySchema.parse(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line));
    } catch {
      throw new BackupError('BACKUP_MALFORMED', 'an account in the backup does not match the schema');
    }
  }
}
