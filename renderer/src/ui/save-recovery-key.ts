import { useCallback, useState } from 'react';
import { describeError, isCancelled } from '../errors.js';
import { latchkey } from '../latchkey.js';

/**
 * "Save as a file…" for a recovery key: main asks where (its own dialog) and writes a new 0600 file;
 * the page names no path. `kept` says where it went; `error` why it did not (a cancel says nothing).
 */
export function useSaveRecoveryKey(): { kept: string; error: string; save: (recoveryKey: string) => Promise<void> } {
  const [kept, setKept] = useState('');
  const [error, setError] = useState('');
  const save = useCallback(async (recoveryKey: string) => {
    setError('');
    try {
      const { file } = await latchkey().call('vault.saveRecoveryKey', { recoveryKey });
      setKept(`Saved as ${file}: move it off this computer (a USB stick in a drawer, a password manager).`);
    } catch (caught) {
      if (!isCancelled(caught)) setError(describeError(caught));
    }
  }, []);
  return { kept, error, save };
}
