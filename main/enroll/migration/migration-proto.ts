import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type protobuf from 'protobufjs';

/**
 * The MigrationPayload type, parsed once from the .proto file that ships beside this module
 * (copied into dist/ by the build). Reading our own schema is not I/O on user data.
 */
let payloadType: protobuf.Type | undefined;

export function migrationPayloadType(): protobuf.Type {
  if (payloadType === undefined) {
    // Loaded with the schema, on the first export QR read or written: nothing else needs protobufjs.
    const { parse } = createRequire(import.meta.url)('protobufjs') as typeof protobuf;
    const text = readFileSync(new URL('./google-migration.proto', import.meta.url), 'utf8');
    payloadType = parse(text, { keepCase: true }).root.lookupType('latchkey.migration.MigrationPayload');
  }
  return payloadType;
}

export interface RawOtpParameters {
  secret?: Uint8Array;
  name?: string;
  issuer?: string;
  algorithm?: number;
  digits?: number;
  type?: number;
  counter?: string;
}

export interface RawMigrationPayload {
  otp_parameters?: RawOtpParameters[];
  version?: number;
  batch_size?: number;
  batch_index?: number;
  batch_id?: number;
}

/** Decodes payload bytes; throws on anything protobuf can't read. */
export function decodeMigrationPayload(bytes: Uint8Array): RawMigrationPayload {
  const type = migrationPayloadType();
  const message = type.decode(bytes);
  const object: unknown = type.toObject(message, { longs: String, enums: Number, bytes: Uint8Array, defaults: false });
  return object as RawMigrationPayload;
}

export function encodeMigrationPayload(payload: RawMigrationPayload): Uint8Array {
  const type = migrationPayloadType();
  return type.encode(type.fromObject(payload)).finish();
}
