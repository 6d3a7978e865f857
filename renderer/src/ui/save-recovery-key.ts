import { useCallback, useState } from 'react';
import { useMutation } from '../data/hooks.js';
import { saveRecoveryKey } from '../data/vault.js';

/**
 * "Save as a file…" for a recovery key: main asks where (its own dialog) and writes a new 0600 file;
 * the page names no path. `kept` says where it went; `error` why it did not (a cancel says nothing).
 */
export function useSaveRecoveryKey(): { kept: string; error: string; save: (recoveryKey: string) => Promise<void> } {
  const [kept, setKept] = useState('');
  const { run, error } = useMutation();
  const save = useCallback(
    async (recoveryKey: string) => {
      const saved = await run(saveRecoveryKey, recoveryKey);
      if (saved.ok) setKept(`Saved as ${saved.value.file}: move it off this computer (a USB stick in a drawer, a password manager).`);
    },
    [run],
  );
  return { kept, error: error?.text ?? '', save };
}
