import { z } from 'zod';
import { cleanDisplayText, LIMITS } from '../../../shared/account.js';

/** What we keep of Ente's `codeDisplay` query parameter (a URL-encoded JSON object on each line). */
export interface CodeDisplay {
  readonly tags: string[];
  readonly trashed: boolean;
  readonly note: string;
}

// Each field is read on its own: a field of the wrong type is dropped, not the whole line.
const codeDisplaySchema = z.object({
  tags: z.array(z.string()).max(1000).optional().catch(undefined),
  trashed: z.boolean().optional().catch(undefined),
  note: z.string().optional().catch(undefined),
});

/**
 * Ente's display extras of one `otpauth://` line: undefined when the line has no `codeDisplay`,
 * 'unreadable' when it has one that is not a JSON object. Unknown fields (pinned, tapCount, …) are
 * ignored; `__proto__` and friends are plain data that the schema never copies.
 */
export function readCodeDisplay(line: string): CodeDisplay | 'unreadable' | undefined {
  const raw = codeDisplayParam(line);
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(decodeURIComponent(raw.replace(/\+/g, ' ')));
  } catch {
    return 'unreadable';
  }
  const parsed = codeDisplaySchema.safeParse(value);
  if (!parsed.success) return 'unreadable';
  const tags = (parsed.data.tags ?? [])
    .map((tag) => cleanDisplayText(tag, 'tag').text.slice(0, LIMITS.textMax))
    .filter((tag) => tag !== '')
    .slice(0, LIMITS.tagsMax);
  return { tags, trashed: parsed.data.trashed === true, note: (parsed.data.note ?? '').slice(0, 65_536) };
}

/** Whether a line is an `otpauth://` URI carrying Ente's `codeDisplay` parameter. */
export function hasCodeDisplay(line: string): boolean {
  return line.toLowerCase().startsWith('otpauth://') && codeDisplayParam(line) !== undefined;
}

function codeDisplayParam(line: string): string | undefined {
  const query = line.indexOf('?');
  if (query === -1) return undefined;
  for (const pair of line.slice(query + 1).split('&')) {
    const equals = pair.indexOf('=');
    if (equals !== -1 && pair.slice(0, equals).toLowerCase() === 'codedisplay') return pair.slice(equals + 1);
  }
  return undefined;
}
