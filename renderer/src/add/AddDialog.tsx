import { useEffect, useRef, useState, type ClipboardEvent, type DragEvent, type SyntheticEvent } from 'react';
import type { EnrollResult } from '../../../shared/enroll-api.js';
import { describeError } from '../errors.js';
import { latchkey } from '../latchkey.js';
import { Dialog } from '../ui/Dialog.js';
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
export function AddDialog({ onClose, onAdded }: { onClose: () => void; onAdded: (message: string) => void }) {
  const [way, setWay] = useState<Way>('scan');
  const [found, setFound] = useState<EnrollResult | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState('');
  const [dropping, setDropping] = useState(false);
  const [uri, setUri] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  function decoded(result: Promise<EnrollResult>) {
    setError('');
    setFound(undefined);
    result
      .then((value) => {
        if (value.candidates.length === 0 && value.invalid.length === 0 && value.batches.length === 0) setError('No account found in that.');
        else setFound(value);
      })
      .catch((caught: unknown) => {
        setError(describeError(caught));
      })
      .finally(() => {
        setBusy('');
      });
  }

  function readImage(file: File, source: string) {
    if (!file.type.startsWith('image/')) {
      setError(`${file.name === '' ? 'That' : `“${file.name}”`} is not an image. Drop a screenshot or photo of the QR code.`);
      return;
    }
    setBusy('Reading the QR code…');
    decoded(fileToBase64(file).then((imageBase64) => latchkey().call('enroll.decodeImage', { imageBase64, source })));
  }

  function scanScreen() {
    setBusy('Looking for a QR code on the screen…');
    decoded(latchkey().call('enroll.captureScreen', {}));
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
    setError('');
    if (!/^otpauth:\/\/totp|^otpauth:\/\/hotp/i.test(text)) {
      // A Google export link, several links, or an LKX1 transfer: confirm what was found first.
      setBusy('Reading…');
      decoded(latchkey().call('enroll.decodeText', { text, source: 'pasted text' }));
      return;
    }
    try {
      const { account, warnings } = await latchkey().call('accounts.add', { uri: text });
      const name = account.issuer === '' ? account.label : account.issuer;
      onAdded(`Added ${name}.${warnings.length > 0 ? ` ${warnings.join(' ')}` : ''}`);
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  useEffect(() => {
    setError('');
    setFound(undefined);
  }, [way]);

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
            {error !== '' && <p role="alert" className="error">{error}</p>}
            {found !== undefined && <Candidates found={found} onAdded={onAdded} />}
          </div>
        )}
        {way === 'manual' && <ManualForm onAdded={onAdded} />}
        {way === 'import' && <ImportPanel onAdded={onAdded} />}
      </div>
    </Dialog>
  );
}
