import { OTP_TYPES } from '../../../shared/account.js';
import type { InvalidEntry } from '../../../shared/enroll-api.js';
import { buildAccount, partition } from '../entry-builder.js';
import { ImportError } from '../import-error.js';
import type { ImportedAccount, ImportResult } from '../types.js';
import { contentSchema, entrySchema, entryTypeSchema, groupSchema, parseWith, pathText, versionedSchema, type AegisEntry } from './schema.js';

/** The newest content (`db`) version we know. */
export const CONTENT_VERSION_MAX = 3;

/** Aegis field names as Latchkey's InvalidEntry fields. */
const FIELD_NAMES: ReadonlyMap<string, string> = new Map([
  ['name', 'label'],
  ['algo', 'algorithm'],
  ['info', 'secret'],
]);

/** Reads the content object of a vault (plain `db`, or the decrypted one) into accounts. */
export function readContent(content: unknown): ImportResult {
  const { version } = parseWith(versionedSchema, content, '$.db');
  if (!Number.isInteger(version) || version < 1 || version > CONTENT_VERSION_MAX) {
    throw new ImportError('IMPORT_UNSUPPORTED_VERSION', `the vault's content is version ${String(version)}; Latchkey reads versions 1 to ${String(CONTENT_VERSION_MAX)}`, {
      found: version,
      supported: CONTENT_VERSION_MAX,
    });
  }
  const { entries, groups } = parseWith(contentSchema, content, '$.db');
  const warnings: string[] = [];
  const groupNames = version >= 3 ? readGroups(groups ?? [], warnings) : new Map<string, string>();
  const results = entries.map((raw, index) => readEntry(raw, index, version, groupNames, warnings));
  return { ...partition(results), warnings };
}

/** Group UUID → name (content v3). A Map, so a `__proto__` UUID is only data. */
function readGroups(groups: readonly unknown[], warnings: string[]): Map<string, string> {
  const names = new Map<string, string>();
  groups.forEach((raw, i) => {
    const group = groupSchema.safeParse(raw);
    if (group.success) names.set(group.data.uuid, group.data.name);
    else warnings.push(`group ${String(i)} is not a {uuid, name} pair and was ignored`);
  });
  return names;
}

function readEntry(raw: unknown, index: number, version: number, groupNames: ReadonlyMap<string, string>, warnings: string[]): ImportedAccount | InvalidEntry {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    // An entry of a kind we do not support (motp, yandex, …) is reported as such, whatever its other fields.
    const typed = entryTypeSchema.safeParse(raw);
    if (typed.success && !isSupportedType(typed.data.type)) return buildAccount(index, { type: typed.data.type }, warnings);
    const path = parsed.error.issues[0]?.path ?? [];
    const key = [...path].reverse().find((part): part is string => typeof part === 'string') ?? 'entry';
    return { index, field: FIELD_NAMES.get(key) ?? key, reason: `${pathText(path).slice(1) || 'the entry'} is missing or has the wrong type` };
  }
  const entry = parsed.data;
  const tags = tagsOf(entry, version, groupNames);
  return buildAccount(
    index,
    {
      type: entry.type,
      secret: { base32: entry.info.secret },
      issuer: entry.issuer ?? undefined,
      label: entry.name ?? undefined,
      algorithm: entry.info.algo ?? undefined,
      digits: entry.info.digits ?? undefined,
      period: entry.info.period ?? undefined,
      counter: entry.info.counter ?? undefined,
      note: entry.note ?? undefined,
      ...(tags.length === 0 ? {} : { tags }),
    },
    warnings,
  );
}

/** v3: group UUIDs by name, unknown UUIDs dropped; v1/v2: the `group` name itself. */
function tagsOf(entry: AegisEntry, version: number, groupNames: ReadonlyMap<string, string>): string[] {
  const names = version >= 3 ? (entry.groups ?? []).map((uuid) => groupNames.get(uuid)) : [entry.group];
  return [...new Set(names.filter((name): name is string => typeof name === 'string' && name.trim() !== ''))];
}

function isSupportedType(type: string): boolean {
  return (OTP_TYPES as readonly string[]).includes(type.toLowerCase());
}
