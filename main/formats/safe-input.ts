import { ImportError, malformed } from './import-error.js';
import type { Sniff } from './types.js';

/** SECURITY-NOTES §8 limits, checked before and while parsing. */
export const LIMITS = {
  textBytes: 10 * 1024 * 1024,
  depth: 64,
  arrayLength: 10_000,
  stringLength: 64 * 1024,
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The file as text: not empty, not over the cap, valid UTF-8 (a BOM is dropped), not binary. */
export function readText(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new ImportError('IMPORT_EMPTY', 'the file is empty');
  if (bytes.length > LIMITS.textBytes) throw new ImportError('IMPORT_TOO_LARGE', 'the file is over 10 MiB: not an export we read');
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new ImportError('IMPORT_UNREADABLE', 'the file is UTF-16; save it as UTF-8');
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ImportError('IMPORT_UNREADABLE', 'the file is not UTF-8 text');
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  // NUL and other C0 controls (tab, CR, LF aside) don't occur in any text export.
  if (hasBinaryControls(text)) throw new ImportError('IMPORT_UNREADABLE', 'the file holds binary data, not text');
  return text;
}

function hasBinaryControls(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) return true;
  }
  return false;
}

/**
 * JSON with the hostile-input limits: depth 64, arrays of 10,000, strings of 64 KiB. JSON.parse makes
 * `__proto__` an own property (plain data); callers read fields through schemas, never by merging.
 */
export function parseJson(text: string, options: { longStrings?: readonly string[] } = {}): unknown {
  // Refused before JSON.parse builds it: five million nested lists take V8 over a second and 250 MiB.
  const tooDeep = depthExceededAt(text);
  if (tooDeep !== undefined) throw malformed(`character ${String(tooDeep)}`, 'the JSON is nested deeper than 64 levels');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw malformed(at === undefined ? '$' : `character ${at}`, 'the file is not valid JSON (truncated, or something after it?)');
  }
  checkLimits(value, [], 0, new Set(options.longStrings));
  return value;
}

/**
 * Where the text's brackets first nest deeper than LIMITS.depth (one pass, strings skipped), or
 * undefined. Over-counts nothing a real parse would accept, so a file it passes may still fail later.
 */
function depthExceededAt(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > LIMITS.depth) return i;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return undefined;
}

export function looksLikeJson(bytes: Uint8Array): boolean {
  for (const byte of bytes.subarray(0, 64)) {
    if (byte === 0x7b || byte === 0x5b) return true;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09 && byte !== 0xef && byte !== 0xbb && byte !== 0xbf) return false;
  }
  return false;
}

/** Parses bytes as JSON for `detect`: undefined instead of throwing. */
export function tryJson(bytes: Uint8Array): unknown {
  if (!looksLikeJson(bytes) || bytes.length > LIMITS.textBytes) return undefined;
  try {
    const text = new TextDecoder().decode(bytes);
    // Deeper than we would read anyway: not worth the parse (see parseJson).
    if (depthExceededAt(text) !== undefined) return undefined;
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A Sniff of these bytes: the JSON parse happens once, on the first detector that asks. */
export function sniff(bytes: Uint8Array): Sniff {
  let parsed: { value: unknown } | undefined;
  return {
    json: () => {
      parsed ??= { value: tryJson(bytes) };
      return parsed.value;
    },
  };
}

/**
 * `longStrings` names paths (like `$.db`) whose string may pass 64 KiB: an encrypted payload held
 * as one Base64 string. The 10 MiB file cap still bounds it. The path is a stack of keys and
 * indexes, written out only when needed (a 600,000-key object would otherwise build 600,000 strings).
 */
function checkLimits(value: unknown, path: (string | number)[], depth: number, longStrings: ReadonlySet<string>): void {
  if (depth > LIMITS.depth) throw malformed(pathText(path), 'the JSON is nested deeper than 64 levels');
  if (typeof value === 'string') {
    if (value.length > LIMITS.stringLength && !longStrings.has(pathText(path))) throw malformed(pathText(path), 'a string is longer than 64 KiB');
  } else if (Array.isArray(value)) {
    if (value.length > LIMITS.arrayLength) throw malformed(pathText(path), 'a list has more than 10,000 entries');
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      checkLimits(value[i], path, depth + 1, longStrings);
      path.pop();
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      path.push(key);
      checkLimits((value as Record<string, unknown>)[key], path, depth + 1, longStrings);
      path.pop();
    }
  }
}

/** `$`, then `.key` (cut to 32 characters) or `[index]` for each step. */
function pathText(path: readonly (string | number)[]): string {
  return `$${path.map((step) => (typeof step === 'number' ? `[${String(step)}]` : `.${step.slice(0, 32)}`)).join('')}`;
}
