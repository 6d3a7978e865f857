import { buildAccount, partition, type LooseEntry } from '../entry-builder.js';
import type { ImportResult } from '../types.js';
import { groupSchema, invalidFromZod, serviceSchema, type TwoFasService } from './two-fas-schema.js';

/**
 * 2FAS service objects → accounts. Every entry goes through the shared buildAccount; a record that
 * does not even fit the service shape is collected as invalid with its first bad field.
 */
export function convertServices(services: readonly unknown[], rawGroups: readonly unknown[], schemaVersion: number, warnings: string[]): ImportResult {
  const groups = readGroups(rawGroups, warnings);
  const built = services.map((raw, index) => {
    const service = serviceSchema.safeParse(raw);
    if (!service.success) return invalidFromZod(index, service.error);
    return buildAccount(index, toLooseEntry(service.data, groups, schemaVersion), warnings);
  });
  if (schemaVersion <= 2 && services.length > 0) {
    warnings.push(`2FAS schema ${String(schemaVersion)} backups do not record token types: every account is read as TOTP`);
  }
  return { ...partition(built), warnings };
}

function toLooseEntry(service: TwoFasService, groups: ReadonlyMap<string, string>, schemaVersion: number): LooseEntry {
  const otp = service.otp ?? {};
  // As Aegis: the service name is what 2FAS shows as the issuer; the URI's issuer is the fallback.
  const issuer = nonEmpty(service.name) ?? nonEmpty(otp.issuer) ?? '';
  const label = nonEmpty(otp.account) ?? accountFromLabel(otp.label, schemaVersion) ?? '';
  const group = service.groupId == null ? undefined : groups.get(service.groupId);
  // Schema 1 has no parameters at all and schema 2 no token type: the defaults fill in (TOTP/SHA1/6/30).
  return {
    type: otp.tokenType ?? 'TOTP',
    secret: { base32: service.secret },
    issuer,
    label,
    algorithm: otp.algorithm ?? undefined,
    digits: otp.digits ?? undefined,
    period: otp.period ?? undefined,
    counter: otp.counter ?? undefined,
    ...(group === undefined ? {} : { tags: [group] }),
  };
}

/** Schema ≤ 3 labels are "Issuer:Account"; schema 4 labels are the bare account. */
function accountFromLabel(label: string | null | undefined, schemaVersion: number): string | undefined {
  const text = nonEmpty(label);
  if (text === undefined || schemaVersion >= 4) return text;
  const colon = text.indexOf(':');
  return colon < 0 ? text : nonEmpty(text.slice(colon + 1));
}

function readGroups(rawGroups: readonly unknown[], warnings: string[]): Map<string, string> {
  // A Map, not an object: group ids come from the file and may be "__proto__".
  const groups = new Map<string, string>();
  rawGroups.forEach((raw, index) => {
    const group = groupSchema.safeParse(raw);
    if (group.success) groups.set(group.data.id, group.data.name);
    else warnings.push(`group ${String(index)} is not in the expected shape and was ignored`);
  });
  return groups;
}

function nonEmpty(text: string | null | undefined): string | undefined {
  return text == null || text.trim() === '' ? undefined : text;
}
