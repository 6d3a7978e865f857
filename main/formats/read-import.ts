import { MAX_IMPORT_BYTES } from '../../shared/import-api.js';
import { ImportError } from './import-error.js';
import { FORMAT_IDS, FORMATS, isFormatId, type FormatId } from './registry.js';
import { sniff } from './safe-input.js';
import type { ImportResult, ParseOptions } from './types.js';

export { MAX_IMPORT_BYTES };
const DETECT_THRESHOLD = 0.5;

export interface ReadImport extends ImportResult {
  readonly format: FormatId;
}

/**
 * The format whose detector is surest, if any is sure enough. The detectors share one Sniff, so a
 * JSON file is parsed once for all of them (a 10 MiB file once, not once per JSON format).
 */
export function detectFormat(bytes: Uint8Array): FormatId {
  const best = surestFormat(bytes);
  if (best === undefined) throw unknownFormat();
  return best;
}

function surestFormat(bytes: Uint8Array): FormatId | undefined {
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
  return best;
}

function unknownFormat(triedPassword = false): ImportError {
  const tried = triedPassword ? ' (and the password given opens none of the layouts without a header)' : '';
  return new ImportError('IMPORT_UNKNOWN_FORMAT', `this is not an export Latchkey knows${tried}; it reads: ${FORMAT_IDS.join(', ')} (choose one with --format if detection failed)`);
}

/**
 * When no detector is sure and a password is given: the layouts whose only test is decryption
 * (andOTP's old one has no header at all), cheapest first. The first that opens is the format.
 */
async function readByDecryption(bytes: Uint8Array, options: ParseOptions & { readonly password: string }): Promise<ReadImport | undefined> {
  const trials = FORMAT_IDS.flatMap((format) =>
    (FORMATS[format].decryptionTrials ?? []).flatMap((trial) => {
      const cost = trial.cost(bytes);
      return cost === undefined ? [] : [{ format, trial, cost }];
    }),
  ).sort((a, b) => a.cost - b.cost);
  for (const { format, trial } of trials) {
    const result = await trial.open(bytes, options);
    if (result !== undefined) return { ...result, format };
  }
  return undefined;
}

/**
 * Reads an export: checks the size (SECURITY-NOTES §8's 10 MiB, before detection reads a byte: a
 * 50 MB list is too large, not of an unknown format), picks the format (or takes the one given), parses.
 */
export async function readImport(bytes: Uint8Array, options: ParseOptions & { format?: string }): Promise<ReadImport> {
  if (bytes.length === 0) throw new ImportError('IMPORT_EMPTY', 'the file is empty');
  if (bytes.length > MAX_IMPORT_BYTES) throw new ImportError('IMPORT_TOO_LARGE', 'the file is over 10 MiB: no export we read is that large');
  let format: FormatId;
  if (options.format === undefined) {
    const detected = surestFormat(bytes);
    if (detected === undefined) {
      const { password } = options;
      if (password === undefined) throw unknownFormat();
      const opened = await readByDecryption(bytes, { ...options, password });
      if (opened === undefined) throw unknownFormat(true);
      return opened;
    }
    format = detected;
  } else if (isFormatId(options.format)) format = options.format;
  else throw new ImportError('IMPORT_UNKNOWN_FORMAT', `unknown format "${options.format.slice(0, 32)}"; known: ${FORMAT_IDS.join(', ')}`);
  const result = await FORMATS[format].parse(bytes, options);
  return { ...result, format };
}
