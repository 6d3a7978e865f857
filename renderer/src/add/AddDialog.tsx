import { useEffect, useRef, useState, type ClipboardEvent, type DragEvent, type SyntheticEvent } from 'react';
import type { EnrollResult } from '../../../shared/enroll-api.js';
import type { PanelProps } from '../app/panel-props.js';
import { addAccount } from '../data/accounts.js';
import { captureScreen, decodeImage, decodeText } from '../data/enroll.js';
import { useMutation, type Result } from '../data/hooks.js';
import { Dialog } from '../ui/Dialog.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { fileToBase64 } from '../ui/files.js';
import { Candidates } from './Candidates.js';
import { ImportPanel } from './ImportPanel.js';
import { ManualForm } from './ManualForm.js';
import { Progress } from '../ui/Progress.js';

type Way = 'scan' | 'manual' | 'import';

/**
 * Every way in: scan the screen, drop/choose/paste a QR image, paste a link (otpauth:// or a Google
 * Authenticator export), type a secret, or import another app's export. Scans are confirmed first.
 */
export function AddDialog({ close: onClose, closeWithNotice }: PanelProps) {
  const [way, setWay] = useState<Way>('scan');
  const [found, setFound] = useState<EnrollResult | undefined>();
  const mutations = useMutation();
  const { error, clearError } = mutations;
  const [busy, setBusy] = useState('');
  const [dropping, setDropping] = useState(false);
  const [uri, setUri] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  /** Said in the list's notice once the dialog has closed (the list itself follows main's accounts.changed). */
  const onAdded = closeWithNotice;

  function decoded(result: Promise<Result<EnrollResult>>) {
    setFound(undefined);
    result
      .then((read) => {
        setBusy('');
        if (!read.ok) return;
        const value = read.value;
        if (value.candidates.length === 0 && value.invalid.length === 0 && value.batches.length === 0) mutations.fail('No account found in that.');
        else setFound(value);
      })
      .catch(() => {
        // Only the page's own reading of a file can throw here (main's failures come back as results).
        setBusy('');
        mutations.fail('That file could not be read.');
      });
  }

  function readImage(file: File, source: string) {
    if (!file.type.startsWith('image/')) {
      mutations.fail(`${file.name === '' ? 'That' : `“${file.name}”`} is not an image. Drop a screenshot or photo of the QR code.`);
      return;
    }
    setBusy('Reading the QR code…');
    decoded(fileToBase64(file).then((imageBase64) => mutations.run(decodeImage, { imageBase64, source })));
  }

  function scanScreen() {
    setBusy('Looking for a QR code on the screen…');
    decoded(mutations.run(captureScreen, undefined));
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDropping(false);
    const [file] = event.dataTransfer.files;
    if (file !== undefined) readImage(file, file.name);
  }

  // A paste anywhere in the dialog: an image goes to the QR reader, text to the link reader.
  function onPaste(event: ClipboardEvent) {
    const image = [...event.clipboardData.items].find((item) => item.type.startsWith('image/'))?.getAsFile();
    if (image !== null && image !== undefined) {
      event.preventDefault();
      setWay('scan');
      readImage(image, 'clipboard');
    }
  }

  async function addUri(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const text = uri.trim();
    clearError();
    if (!/^otpauth:\/\/totp|^otpauth:\/\/hotp/i.test(text)) {
      // A Google export link, several links, or an LKX1 transfer: confirm what was found first.
      setBusy('Reading…');
      decoded(mutations.run(decodeText, { text, source: 'pasted text' }));
      return;
    }
    const added = await mutations.run(addAccount, { uri: text });
    if (added.ok) {
      const { account, warnings } = added.value;
      const name = account.issuer === '' ? account.label : account.issuer;
      onAdded(`Added ${name}.${warnings.length > 0 ? ` ${warnings.join(' ')}` : ''}`);
    }
  }

  useEffect(() => {
    clearError();
    setFound(undefined);
  }, [way, clearError]);

  return (
    <Dialog title="Add account" onClose={onClose} wide>
      <div
        className="add-dialog"
        onPaste={onPaste}
        onDragOver={(event) => {
          event.preventDefault();
          setDropping(true);
        }}
        onDragLeave={() => { setDropping(false); }}
        onDrop={onDrop}
      >
        <div className="segmented" role="group" aria-label="How to add">
          {(
            [
              ['scan', 'Scan or paste'],
              ['manual', 'Type a secret'],
              ['import', 'Import'],
            ] as const
          ).map(([id, text]) => (
            <button key={id} type="button" aria-pressed={way === id} onClick={() => { setWay(id); }}>
              {text}
            </button>
          ))}
        </div>

        {way === 'scan' && (
          <div className="stack wide">
            <div className={`drop-zone${dropping ? ' over' : ''}`} data-testid="drop-zone">
              <p>Drop a screenshot or photo of the QR code here, or paste it (Ctrl+V).</p>
              <div className="row">
                <button type="button" onClick={scanScreen} disabled={busy !== ''}>
                  Scan the screen
                </button>
                <button type="button" onClick={() => fileInput.current?.click()} disabled={busy !== ''}>
                  Choose an image…
                </button>
              </div>
              <input
                ref={fileInput}
                type="file"
                accept="image/*"
                hidden
                aria-label="QR code image"
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  if (file !== undefined) readImage(file, file.name);
                  event.target.value = '';
                }}
              />
            </div>
            <form className="stack wide" onSubmit={(event) => void addUri(event)}>
              <label>
                Paste an otpauth:// link
                <input type="text" autoFocus spellCheck={false} value={uri} onChange={(e) => { setUri(e.target.value); }} placeholder="otpauth://totp/… or otpauth-migration://…" />
              </label>
              <button type="submit" disabled={uri.trim() === '' || busy !== ''}>
                Add account
              </button>
            </form>
            {busy !== '' && (
              <Progress>{busy}</Progress>
            )}
            <ErrorAlert error={error} />
            {found !== undefined && <Candidates found={found} onAdded={onAdded} />}
          </div>
        )}
        {way === 'manual' && <ManualForm onAdded={onAdded} />}
        {way === 'import' && <ImportPanel onAdded={onAdded} />}
      </div>
    </Dialog>
  );
}
