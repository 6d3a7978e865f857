import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { DesktopPreferences } from '../../../shared/desktop-api.js';
import { desktopState, setDesktop } from '../data/desktop.js';
import { setQueryData, useMutation, useQuery } from '../data/hooks.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { acceleratorOf } from './shortcut-keys.js';

type Toggle = 'typeCode' | 'startAtLogin' | 'startHidden' | 'hideCodes' | 'contentProtection';

/**
 * The app on the desktop: the quick-search shortcut (recorded from a key press; none by default), typing
 * the code, start at login and hidden, hide codes, content protection with what it does on this OS.
 */
export function DesktopSettings({ focusShortcut = false }: { readonly focusShortcut?: boolean }) {
  const { data } = useQuery(desktopState, undefined);
  const { run, busy, error } = useMutation();
  const [recording, setRecording] = useState(focusShortcut);
  const recorder = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusShortcut) recorder.current?.focus();
  }, [focusShortcut, data !== undefined]);
  if (data === undefined) return null;
  const { preferences, capabilities } = data;
  const save = (patch: Partial<Omit<DesktopPreferences, 'shortcutAsked'>>) => {
    void run(setDesktop, patch).then((result) => {
      if (result.ok) setQueryData(desktopState, undefined, result.value);
    });
  };
  const onRecordKey = (event: KeyboardEvent) => {
    if (!recording) return;
    if (event.key === 'Escape') {
      setRecording(false);
      return;
    }
    event.preventDefault();
    const accelerator = acceleratorOf(event);
    if (accelerator === undefined) return;
    setRecording(false);
    save({ shortcut: accelerator });
  };
  const toggle = (field: Toggle, label: string, hint?: string) => (
    <label className="check">
      <input type="checkbox" checked={preferences[field]} disabled={busy} onChange={(e) => { save({ [field]: e.target.checked }); }} /> {label}
      {hint !== undefined && <span className="hint"> {hint}</span>}
    </label>
  );

  return (
    <section className="section" aria-label="Desktop">
      <h3>Desktop</h3>
      {capabilities.integrated ? (
        <>
          <div className="stack">
            <span>Quick-search shortcut</span>
            <div className="row">
              <button type="button" ref={recorder} aria-label="Record the quick-search shortcut" className={recording ? 'recording' : ''} onClick={() => { setRecording(true); }} onKeyDown={onRecordKey} onBlur={() => { setRecording(false); }}>
                {recording ? 'Press the keys…' : (preferences.shortcut ?? 'None: choose one')}
              </button>
              {preferences.shortcut !== null && (
                <button type="button" onClick={() => { save({ shortcut: null }); }}>
                  Remove
                </button>
              )}
            </div>
            <p className="hint">It opens quick search over any app. Avoid Ctrl+Alt+L, which locks the screen on KDE and Xfce.</p>
          </div>
          {toggle('typeCode', 'Shift+Enter in quick search types the code into the window behind it')}
          {capabilities.typingUnavailable !== null && <p className="hint" data-testid="typing-unavailable">Typing is not possible here: {capabilities.typingUnavailable}.</p>}
          {toggle('startAtLogin', 'Start Latchkey when I log in')}
          {toggle('startHidden', 'Start hidden in the tray')}
        </>
      ) : (
        <p className="hint">The tray, the quick-search shortcut and typing codes come with the desktop app.</p>
      )}
      {toggle('hideCodes', 'Hide codes until pointed at or focused (for screen sharing)')}
      {toggle('contentProtection', 'Keep Latchkey out of screenshots and screen sharing')}
      <p className="hint" data-testid="content-protection-note">
        {capabilities.contentProtectionHonoured ? 'Windows and macOS leave the app’s windows out of screenshots and recordings.' : 'Linux does not honour this: it does nothing here. Use “Hide codes” when you share your screen.'}
      </p>
      <ErrorAlert error={error} />
    </section>
  );
}
