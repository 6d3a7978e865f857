import type { InvalidEntry } from '../../../shared/enroll-api.js';
import { decodeQrImage, QrError, readEnrollmentTexts } from '../../enroll/index.js';
import { ImportError, readImport, type Argon2id } from '../../formats/index.js';
import { argon2idInWorker, type NewAccount } from '../../vault/index.js';
import type { Operation } from '../operations.js';

/** An export file or QR images, as `keys.syncImport` receives them. */
export type KeySource =
  | { readonly kind: 'file'; readonly fileBase64: string; readonly format?: string | undefined; readonly password?: string | undefined }
  | { readonly kind: 'images'; readonly imagesBase64: readonly string[] };

export interface SourceAccounts {
  /** With their secrets: the caller zeroes them when done. */
  readonly drafts: readonly NewAccount[];
  readonly invalid: readonly InvalidEntry[];
  readonly warnings: readonly string[];
}

/** Argon2id for other apps' exports, in a worker ended after each use (as import.preview does). */
const workerArgon2id: Argon2id = async (password, salt, ops, memBytes) => (await argon2idInWorker(password, salt, { ops, mem: memBytes })).key;

const bytesOf = (text: string, fail: () => Error) => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw fail();
  return new Uint8Array(Buffer.from(text, 'base64'));
};

/**
 * The accounts an export (the same readers as `import`) or QR images (the same decoding as `scan`,
 * a Google export's parts in any order) hold, read in memory only.
 */
export async function readSourceAccounts(source: KeySource, operation: Pick<Operation, 'race' | 'progress'>): Promise<SourceAccounts> {
  if (source.kind === 'file') {
    const bytes = bytesOf(source.fileBase64, () => new ImportError('IMPORT_UNREADABLE', 'the file did not arrive as Base64'));
    const result = await operation.race(
      readImport(bytes, {
        ...(source.format === undefined ? {} : { format: source.format }),
        ...(source.password === undefined ? {} : { password: source.password }),
        argon2id: workerArgon2id,
        onProgress: (message) => {
          operation.progress(message);
        },
      }),
    );
    return { drafts: result.accounts, invalid: result.invalid, warnings: result.warnings };
  }
  const texts: string[] = [];
  for (const image of source.imagesBase64) texts.push(...(await decodeQrImage(bytesOf(image, () => new QrError('QR_INVALID_IMAGE', 'the image did not arrive as Base64')))));
  const found = readEnrollmentTexts(texts);
  const missing = found.batches.filter((batch) => batch.size > new Set(found.batches.filter((other) => other.id === batch.id).map((other) => other.index)).size);
  const warnings = [...found.warnings, ...(missing.length === 0 ? [] : ['a Google export QR is missing some of its parts: only the parts given are put on the key'])];
  return { drafts: found.accounts, invalid: found.invalid, warnings };
}
