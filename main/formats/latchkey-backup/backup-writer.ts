import type { BackupSodium as Sodium, BackupStreamState } from './backup-sodium.js';
import { concatBytes } from './concat.js';
import { encodeBase32 } from '../../otp/index.js';
import { BACKUP_VERSION, CHUNK_PLAINTEXT_BYTES, MAGIC, PLAINTEXT_CLOSING, PLAINTEXT_OPENING, type BackupEntry, type BackupHeader, type SeededEntry } from './backup-format.js';

const encoder = new TextEncoder();

/**
 * Writes a backup as a stream of byte blocks: `start()`, then `add()` per account (blocks come out as
 * 64 KiB of plaintext fills up), then `finish()`. Memory stays flat in the number of accounts.
 */
export class BackupWriter {
  private readonly sodium: Sodium;
  private readonly state: BackupStreamState;
  private readonly prelude: Uint8Array;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private entries = 0;
  private firstChunk = true;

  constructor(sodium: Sodium, key: Uint8Array, header: BackupHeader) {
    this.sodium = sodium;
    const { state, header: streamHeader } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    this.state = state;
    const headerBytes = encoder.encode(JSON.stringify(header));
    const fixed = new Uint8Array(14);
    fixed.set(encoder.encode(MAGIC), 0);
    const view = new DataView(fixed.buffer);
    view.setUint16(8, BACKUP_VERSION, true);
    view.setUint32(10, headerBytes.length, true);
    this.prelude = concatBytes([fixed, headerBytes, streamHeader]);
    this.queue(encoder.encode(PLAINTEXT_OPENING));
  }

  /** The magic, version, header and stream header: everything the first chunk authenticates. */
  start(): Uint8Array {
    return this.prelude;
  }

  /** Adds one account; its seed turns into Base32 text only inside this line's JSON. */
  add(entry: SeededEntry): Uint8Array[] {
    const line = `${this.entries === 0 ? '' : ',\n'}${JSON.stringify({ ...entry, secret: encodeBase32(entry.secret) } satisfies BackupEntry)}`;
    this.entries++;
    this.queue(encoder.encode(line));
    const out: Uint8Array[] = [];
    while (this.pendingBytes >= CHUNK_PLAINTEXT_BYTES) out.push(this.seal(this.take(CHUNK_PLAINTEXT_BYTES), false));
    return out;
  }

  finish(): Uint8Array[] {
    this.queue(encoder.encode(`\n${PLAINTEXT_CLOSING}`));
    const out: Uint8Array[] = [];
    while (this.pendingBytes > CHUNK_PLAINTEXT_BYTES) out.push(this.seal(this.take(CHUNK_PLAINTEXT_BYTES), false));
    out.push(this.seal(this.take(this.pendingBytes), true));
    return out;
  }

  private seal(plaintext: Uint8Array, final: boolean): Uint8Array {
    const { sodium } = this;
    const tag = final ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    const ad = this.firstChunk ? this.prelude : null;
    this.firstChunk = false;
    const ciphertext = sodium.crypto_secretstream_xchacha20poly1305_push(this.state, plaintext, ad, tag);
    sodium.memzero(plaintext);
    const framed = new Uint8Array(4 + ciphertext.length);
    new DataView(framed.buffer).setUint32(0, ciphertext.length, true);
    framed.set(ciphertext, 4);
    return framed;
  }

  private queue(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  private take(length: number): Uint8Array {
    const all = concatBytes(this.pending);
    this.pending.forEach((part) => part.fill(0));
    const taken = all.slice(0, length);
    const rest = all.slice(length);
    all.fill(0);
    this.pending = rest.length === 0 ? [] : [rest];
    this.pendingBytes = rest.length;
    return taken;
  }
}
