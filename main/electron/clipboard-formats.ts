/**
 * What one clipboard write holds, by platform (SECURITY-NOTES §4): the text, plus for a code the
 * hints that ask clipboard managers and histories not to keep it. They are hints, which is why the
 * service also clears the clipboard on a timer. Pure, so it is tested without Electron.
 */

/** Electron's name for a raw platform clipboard format (`clipboard.write` with a ClipboardItem). */
export function osClipboardFormat(name: string): string {
  return `electron application/osclipboard;format="${name}"`;
}

/** A Windows clipboard DWORD (little-endian). */
function dword(value: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

const SECRET = new TextEncoder().encode('secret');

function concealedHints(platform: NodeJS.Platform): Record<string, Uint8Array<ArrayBuffer>> {
  switch (platform) {
    case 'darwin':
      // nspasteboard.org: the marker's presence is what counts, not its data.
      return { [osClipboardFormat('org.nspasteboard.ConcealedType')]: SECRET };
    case 'win32':
      return {
        // Any data in this format keeps the content out of clipboard history and cloud clipboard.
        [osClipboardFormat('ExcludeClipboardContentFromMonitorProcessing')]: dword(1),
        [osClipboardFormat('CanIncludeInClipboardHistory')]: dword(0),
        [osClipboardFormat('CanUploadToCloudClipboard')]: dword(0),
      };
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      // KDE's Klipper, wl-clip-persist, CopyQ and others skip content marked so.
      return { [osClipboardFormat('x-kde-passwordManagerHint')]: SECRET };
    default:
      return {};
  }
}

/** The entries of one ClipboardItem: the text, and the concealed hints when asked and offered. */
export function clipboardEntries(text: string, concealed: boolean, platform: NodeJS.Platform): Record<string, string | Uint8Array<ArrayBuffer>> {
  return { 'text/plain': text, ...(concealed ? concealedHints(platform) : {}) };
}

/** The same entries as Electron's ClipboardItem takes them: bytes as Blobs. */
export function clipboardItemData(text: string, concealed: boolean, platform: NodeJS.Platform): Record<string, string | Blob> {
  const entries = Object.entries(clipboardEntries(text, concealed, platform));
  return Object.fromEntries(entries.map(([format, data]) => [format, typeof data === 'string' ? data : new Blob([data])]));
}
