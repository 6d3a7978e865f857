import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

/**
 * The MigrationPayload type, parsed once from the .proto file that ships beside this module
 * (copied into dist/ by the build). Reading our own schema is not I/O on user data.
 */
let payloadType: protobuf.Type | undefined;

export function migrationPayloadType(): protobuf.Type {
  if (payloadType === undefined) {
    const text = readFileSync(new URL('./google-migration.proto', import.meta.url), 'utf8');
    payloadType = protobuf.parse(text, { keepCase: true }).root.lookupType('latchkey.migration.MigrationPayload');
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
