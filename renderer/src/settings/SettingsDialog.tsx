import { useEffect, useState } from 'react';
import { THEMES, type Settings } from '../../../shared/settings-api.js';
import { describeError } from '../errors.js';
import { latchkey } from '../latchkey.js';
import { applyTheme } from '../theme.js';
import { Dialog } from '../ui/Dialog.js';
import { BackupSettings } from './BackupSettings.js';
import { ExportSettings } from './ExportSettings.js';

const AUTO_LOCK_MINUTES = [1, 2, 5, 10, 15, 30, 60];
const CLIPBOARD_SECONDS = [10, 20, 30, 45, 60, 120];
const THEME_NAMES = { system: 'Follow the system', light: 'Light', dark: 'Dark' } as const;

/** Auto-lock, clipboard delay and theme; each change is saved at once. */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const [settings, setSettings] = useState<Settings | undefined>();
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');

  useEffect(() => {
    latchkey().call('settings.get', {}).then(setSettings).catch((caught: unknown) => { setError(describeError(caught)); });
  }, []);

  function change(patch: Partial<Settings>) {
    setError('');
    // Shown at once; main's answer (the stored settings) replaces it, or the error puts it back.
    const before = settings;
    if (before !== undefined) setSettings({ ...before, ...patch });
    latchkey()
      .call('settings.set', patch)
      .then((saved) => {
        setSettings(saved);
        applyTheme(saved.theme);
        setStatus('Saved.');
      })
      .catch((caught: unknown) => {
        setSettings(before);
        setError(describeError(caught));
      });
  }

  return (
    <Dialog title="Settings" onClose={onClose} wide>
      {settings === undefined ? (
        <p aria-busy="true" className="hint">
          Loading…
        </p>
      ) : (
        <div className="stack wide">
          <label>
            Lock after inactivity
            <select value={settings.autoLockMinutes} onChange={(e) => { change({ autoLockMinutes: Number(e.target.value) }); }}>
              {[...new Set([...AUTO_LOCK_MINUTES, settings.autoLockMinutes])].sort((a, b) => a - b).map((minutes) => (
                <option key={minutes} value={minutes}>
                  {minutes < 60 ? `${String(minutes)} min` : `${String(minutes / 60)} h`}
                </option>
              ))}
            </select>
          </label>
          <label>
            Clear a copied code after
            <select value={settings.clipboardClearSeconds} onChange={(e) => { change({ clipboardClearSeconds: Number(e.target.value) }); }}>
              {[...new Set([...CLIPBOARD_SECONDS, settings.clipboardClearSeconds])].sort((a, b) => a - b).map((seconds) => (
                <option key={seconds} value={seconds}>
                  {String(seconds)} s
                </option>
              ))}
            </select>
          </label>
          <fieldset className="choices">
            <legend>Theme</legend>
            {THEMES.map((theme) => (
              <label key={theme} className="check">
                <input type="radio" name="theme" value={theme} checked={settings.theme === theme} onChange={() => { change({ theme }); }} /> {THEME_NAMES[theme]}
              </label>
            ))}
          </fieldset>
          <p className="hint">The vault also locks when the computer sleeps or the screen locks. A code is also cleared from the clipboard when it expires, and on lock.</p>
          <p role="status" className="hint">
            {status}
          </p>
          {error !== '' && <p role="alert" className="error">{error}</p>}
          <BackupSettings />
          <ExportSettings />
        </div>
      )}
    </Dialog>
  );
}
