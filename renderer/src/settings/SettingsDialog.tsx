import { THEMES } from '../../../shared/settings-api.js';
import type { PanelProps } from '../app/panel-props.js';
import { useSettings } from '../data/settings.js';
import { Dialog } from '../ui/Dialog.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { BackupSettings } from './BackupSettings.js';
import { DesktopSettings } from './DesktopSettings.js';
import { ExportSettings } from './ExportSettings.js';

const AUTO_LOCK_MINUTES = [1, 2, 5, 10, 15, 30, 60];
const CLIPBOARD_SECONDS = [10, 20, 30, 45, 60, 120];
const THEME_NAMES = { system: 'Follow the system', light: 'Light', dark: 'Dark' } as const;

/** Auto-lock, clipboard delay and theme; each change is saved at once (the settings store, data/settings.ts). */
export function SettingsDialog({ params, close: onClose, switchTo }: PanelProps<{ readonly focus?: 'shortcut' }>) {
  const { settings, error, saved, change } = useSettings();

  return (
    <Dialog title="Settings" onClose={onClose} wide>
      {settings === undefined ? (
        error === undefined ? (
          <p aria-busy="true" className="hint">
            Loading…
          </p>
        ) : (
          <ErrorAlert error={error} />
        )
      ) : (
        <div className="stack wide">
          <div className="row">
            <button type="button" onClick={() => { switchTo('vault'); }}>
              Vault: password, keys, keyring…
            </button>
            <button type="button" onClick={() => { switchTo('backups'); }}>
              Backups and transfer…
            </button>
            <button type="button" onClick={() => { switchTo('keys'); }}>
              Security keys…
            </button>
          </div>
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
            {saved ? 'Saved.' : ''}
          </p>
          <ErrorAlert error={error} />
          <BackupSettings />
          <ExportSettings />
          <DesktopSettings focusShortcut={params.focus === 'shortcut'} />
        </div>
      )}
    </Dialog>
  );
}
