import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Writes come in bursts (a transaction touches the WAL several times): one look after the burst. */
const SETTLE_MS = 40;

/**
 * Calls `onWrite` shortly after the vault file or its WAL is written by anyone, this process
 * included; the caller tells other processes' commits from its own (SQLite's `data_version`).
 * The OS tells us (inotify, FSEvents, ReadDirectoryChangesW): an idle vault costs no wake-up at all,
 * where polling `data_version` would wake the process every interval. The watch never keeps a
 * process alive, and a folder that can't be watched just means no live updates (focus still refetches).
 */
export function watchVaultWrites(vaultPath: string, onWrite: () => void): () => void {
  const names = new Set([basename(vaultPath), `${basename(vaultPath)}-wal`]);
  let settle: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(vaultPath), { persistent: false }, (_event, name) => {
      if (name === null || !names.has(name)) return;
      if (settle !== undefined) clearTimeout(settle);
      settle = setTimeout(() => {
        settle = undefined;
        onWrite();
      }, SETTLE_MS);
      settle.unref();
    });
  } catch {
    return () => undefined;
  }
  watcher.on('error', () => {
    watcher.close();
  });
  return () => {
    if (settle !== undefined) clearTimeout(settle);
    watcher.close();
  };
}
