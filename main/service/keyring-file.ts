import { existsSync, readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { writeNewFile } from './secure-file.js';

/**
 * Where the keyring slot's device key waits between runs: beside the vault, as the OS keyring's
 * ciphertext only (safeStorage), never in the clear (SECURITY-NOTES §1). Without the user's keyring
 * the file opens nothing; without the vault's keyring slot it is stale and removed.
 */
const keyringFileSchema = z.object({ version: z.literal(1), vaultId: z.string().regex(/^[0-9a-f]{32}$/), ciphertext: z.string().min(1) });
export type KeyringFile = z.infer<typeof keyringFileSchema>;

export function keyringFilePath(vaultPath: string): string {
  return `${vaultPath}.keyring`;
}

export function readKeyringFile(vaultPath: string): KeyringFile | undefined {
  const path = keyringFilePath(vaultPath);
  if (!existsSync(path)) return undefined;
  const parsed = keyringFileSchema.safeParse(safeJson(readFileSync(path, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}

export function writeKeyringFile(vaultPath: string, file: KeyringFile): void {
  writeNewFile(keyringFilePath(vaultPath), (append) => { append(new TextEncoder().encode(`${JSON.stringify(file)}\n`)); }, { replace: true });
}

export function removeKeyringFile(vaultPath: string): void {
  rmSync(keyringFilePath(vaultPath), { force: true });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
