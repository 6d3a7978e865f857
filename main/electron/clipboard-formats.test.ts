import { describe, expect, it } from 'vitest';
import { clipboardEntries, clipboardItemData, osClipboardFormat } from './clipboard-formats.js';

const bytes = (data: unknown) => [...(data as Uint8Array)];
const SECRET = [...new TextEncoder().encode('secret')];

describe('clipboard formats by platform (without Electron)', () => {
  it('names raw platform formats as Electron expects', () => {
    expect(osClipboardFormat('x-kde-passwordManagerHint')).toBe('electron application/osclipboard;format="x-kde-passwordManagerHint"');
  });

  it('Linux: the KDE password-manager hint, "secret"', () => {
    const entries = clipboardEntries('123456', true, 'linux');
    expect(Object.keys(entries)).toEqual(['text/plain', osClipboardFormat('x-kde-passwordManagerHint')]);
    expect(entries['text/plain']).toBe('123456');
    expect(bytes(entries[osClipboardFormat('x-kde-passwordManagerHint')])).toEqual(SECRET);
  });

  it('macOS: the nspasteboard concealed type', () => {
    const entries = clipboardEntries('123456', true, 'darwin');
    expect(Object.keys(entries)).toEqual(['text/plain', osClipboardFormat('org.nspasteboard.ConcealedType')]);
  });

  it('Windows: excluded from monitors, history and cloud clipboard (DWORDs, little-endian)', () => {
    const entries = clipboardEntries('123456', true, 'win32');
    expect(bytes(entries[osClipboardFormat('ExcludeClipboardContentFromMonitorProcessing')])).toEqual([1, 0, 0, 0]);
    expect(bytes(entries[osClipboardFormat('CanIncludeInClipboardHistory')])).toEqual([0, 0, 0, 0]);
    expect(bytes(entries[osClipboardFormat('CanUploadToCloudClipboard')])).toEqual([0, 0, 0, 0]);
    expect(Object.keys(entries)).toHaveLength(4);
  });

  it.each(['linux', 'darwin', 'win32', 'aix'] as const)('%s: the text alone when not concealed (the clear) or where nothing is offered', (platform) => {
    expect(clipboardEntries('', false, platform)).toEqual({ 'text/plain': '' });
    if (platform === 'aix') expect(clipboardEntries('123456', true, platform)).toEqual({ 'text/plain': '123456' });
  });

  it("gives Electron's ClipboardItem the bytes as Blobs and the text as a string", async () => {
    const data = clipboardItemData('123456', true, 'linux');
    expect(data['text/plain']).toBe('123456');
    const hint = data[osClipboardFormat('x-kde-passwordManagerHint')];
    expect(hint).toBeInstanceOf(Blob);
    expect(await (hint as Blob).text()).toBe('secret');
  });
});
