import { malformed } from '../import-error.js';
import { LIMITS } from '../safe-input.js';

/** One CSV record and the line it starts on (1-based), for error messages. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** No export we read has more columns; a wider "record" is broken quoting or not CSV. */
const MAX_FIELDS = 256;
const UNQUOTED = /[^,\r\n]*/y;
const NEWLINES = /\r\n|\r|\n/g;

/**
 * RFC 4180 CSV, as Bitwarden writes it (papaparse): fields split by commas, records by CRLF, LF or
 * CR; a field that holds a comma, quote or newline is quoted, with `""` for a quote inside. Broken
 * quoting is refused (IMPORT_MALFORMED with its line), never guessed at: a guess could shift a
 * secret into another column. Blank lines are skipped.
 */
export function readCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let at = 0;
  for (;;) {
    let value: string;
    if (text[at] === '"') {
      const closed = readQuoted(text, at, line);
      value = closed.value;
      at = closed.end;
      line += value.match(NEWLINES)?.length ?? 0;
      const next = text[at];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        throw malformed(`line ${String(line)}`, 'the CSV has text after a closing quote (broken quoting)');
      }
    } else {
      UNQUOTED.lastIndex = at;
      value = UNQUOTED.exec(text)?.[0] ?? '';
      at += value.length;
      if (value.includes('"')) throw malformed(`line ${String(line)}`, 'the CSV has a quote inside an unquoted field (broken quoting)');
    }
    if (value.length > LIMITS.stringLength) throw malformed(`line ${String(line)}`, 'a CSV field is longer than 64 KiB');
    fields.push(value);
    if (fields.length > MAX_FIELDS) throw malformed(`line ${String(line)}`, `a CSV row has more than ${String(MAX_FIELDS)} fields`);

    const separator = text[at];
    if (separator === ',') {
      at++;
      continue;
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    if (records.length > LIMITS.arrayLength + 1) throw malformed(`line ${String(line)}`, 'the CSV has more than 10,000 rows');
    if (separator === undefined) return records;
    at += separator === '\r' && text[at + 1] === '\n' ? 2 : 1;
    line++;
    recordLine = line;
    fields = [];
    if (at >= text.length) return records;
  }
}

/** A quoted field starting at `start` (its opening quote): its value and the index after its closing quote. */
function readQuoted(text: string, start: number, line: number): { value: string; end: number } {
  const parts: string[] = [];
  let length = 0;
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) throw malformed(`line ${String(line)}`, 'a quoted CSV field never closes (broken quoting, or the file is cut short)');
    parts.push(text.slice(from, quote));
    length += quote - from + 1;
    if (length > LIMITS.stringLength) throw malformed(`line ${String(line)}`, 'a CSV field is longer than 64 KiB');
    if (text[quote + 1] !== '"') return { value: parts.join(''), end: quote + 1 };
    parts.push('"');
    from = quote + 2;
  }
}
