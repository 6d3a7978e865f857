import { argon2idNative } from '../main/vault/kdf.js';

/**
 * The floor of `latchkey code QUERY`: a process that does nothing but the vault's Argon2id (native
 * libsodium, as unlock runs it) and exits. Timed as a whole process beside the CLI, e.g. with
 * `/usr/bin/time -v`, it is node's start-up + loading sodium-native + the KDF; the KDF's own time is
 * printed too. `node dist/bench/cli-kdf.js [OPS,MIB]` (default 3,256: the vault's default).
 */
const [ops = 3, mib = 256] = (process.argv[2] ?? '3,256').split(',').map(Number);
const { key, ms } = await argon2idNative(new TextEncoder().encode('benchmark password'), new Uint8Array(16), { ops, mem: mib * 1024 * 1024 });
if (key.length !== 32) process.exitCode = 1;
process.stdout.write(`argon2id ${String(ops)} passes, ${String(mib)} MiB: ${ms.toFixed(0)} ms\n`);
