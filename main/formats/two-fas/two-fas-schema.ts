import { z } from 'zod';
import type { InvalidEntry } from '../../../shared/enroll-api.js';
import { ImportError, malformed } from '../import-error.js';

/** The newest `schemaVersion` we know (2fas-android's BackupContent.CurrentSchema). */
export const KNOWN_SCHEMA_VERSION = 4;

// kotlinx.serialization writes absent values as explicit `null`, so every optional field is nullish.
const optionalText = z.string().nullish();
const optionalNumber = z.number().nullish();

const versionSchema = z.object({ schemaVersion: z.number().int().min(1) });

const backupSchema = z.object({
  schemaVersion: z.number().int(),
  services: z.array(z.unknown()).nullish(),
  servicesEncrypted: optionalText,
  reference: optionalText,
  groups: z.array(z.unknown()).nullish(),
});
export type TwoFasBackup = z.infer<typeof backupSchema>;

export const serviceSchema = z.object({
  name: optionalText,
  secret: z.string(),
  groupId: optionalText,
  otp: z
    .object({
      account: optionalText,
      issuer: optionalText,
      label: optionalText,
      digits: optionalNumber,
      period: optionalNumber,
      algorithm: optionalText,
      counter: optionalNumber,
      tokenType: optionalText,
    })
    .nullish(),
});
export type TwoFasService = z.infer<typeof serviceSchema>;

export const groupSchema = z.object({ id: z.string(), name: z.string() });

/** The backup's top level: its version is judged first, so a future layout reads as "too new", not "broken". */
export function readBackup(root: unknown): TwoFasBackup {
  const version = versionSchema.safeParse(root);
  if (!version.success) throw fromZod(version.error, 'this is not a 2FAS backup (no schemaVersion)');
  if (version.data.schemaVersion > KNOWN_SCHEMA_VERSION) {
    throw new ImportError(
      'IMPORT_UNSUPPORTED_VERSION',
      `this 2FAS backup uses schema ${String(version.data.schemaVersion)}; Latchkey reads schemas 1 to ${String(KNOWN_SCHEMA_VERSION)}`,
      { found: version.data.schemaVersion, supported: KNOWN_SCHEMA_VERSION },
    );
  }
  const backup = backupSchema.safeParse(root);
  if (!backup.success) throw fromZod(backup.error, 'the 2FAS backup is not in the expected shape');
  return backup.data;
}

function fromZod(error: z.ZodError, message: string): ImportError {
  const issue = error.issues[0];
  const path = ['$', ...(issue?.path ?? []).map(String)].join('.');
  return malformed(path, issue === undefined ? message : `${message}: ${issue.message}`);
}

/** A record that does not fit the schema becomes an invalid entry naming its first bad field. */
export function invalidFromZod(index: number, error: z.ZodError): InvalidEntry {
  const issue = error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? 'entry' : issue.path.map(String).join('.');
  return { index, field, reason: issue?.message ?? 'the entry is not in the expected shape' };
}
