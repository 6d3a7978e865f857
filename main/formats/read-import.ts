import { ImportError } from './import-error.js';
import { FORMAT_IDS, FORMATS, isFormatId, type FormatId } from './registry.js';
import { sniff } from './safe-input.js';
import type { ImportResult, ParseOptions } from './types.js';

/** No export we read is larger; bigger files are refused before any parsing (images included). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
const DETECT_THRESHOLD = 0.5;

export interface ReadImport extends ImportResult {
  readonly format: FormatId;
}

/**
 * The format whose detector is surest, if any is sure enough. The detectors share one Sniff, so a
 * JSON file is parsed once for all of them (a 10 MiB file once, not once per JSON format).
 */
export function detectFormat(bytes: Uint8Array): FormatId {
  let best: FormatId | undefined;
  let bestScore = DETECT_THRESHOLD;
  const sniffed = sniff(bytes);
  for (const id of FORMAT_IDS) {
    const score = FORMATS[id].detect(bytes, sniffed);
    if (score > bestScore) {
      best = id;
      bestScore = score;
    }
  }
  if (best === undefined) {
    throw new ImportError('IMPORT_UNKNOWN_FORMAT', `this is not an export Latchkey knows; it reads: ${FORMAT_IDS.join(', ')} (choose one with --format if detection failed)`);
  }
  return best;
}

/** Reads an export: checks the size (before detection reads a byte), picks the format (or takes the one given), parses. */
export async function readImport(bytes: Uint8Array, options: ParseOptions & { format?: string }): Promise<ReadImport> {
  if (bytes.length === 0) throw new ImportError('IMPORT_EMPTY', 'the file is empty');
  if (bytes.length > MAX_IMPORT_BYTES) throw new ImportError('IMPORT_TOO_LARGE', 'the file is over 50 MiB: not an export we read');
  let format: FormatId;
  if (options.format === undefined) format = detectFormat(bytes);
  else if (isFormatId(options.format)) format = options.format;
  else throw new ImportError('IMPORT_UNKNOWN_FORMAT', `unknown format "${options.format.slice(0, 32)}"; known: ${FORMAT_IDS.join(', ')}`);
  const result = await FORMATS[format].parse(bytes, options);
  return { ...result, format };
}
