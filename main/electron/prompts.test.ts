import type { BrowserWindow, Dialog, MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { electronPrompts, type PromptDialog } from './prompts.js';

// Electron's own dialog fits the structural type (checked by tsc; nothing of Electron is loaded).
export type ElectronDialogFits = Dialog extends PromptDialog<BrowserWindow> ? true : never;
const electronDialogFits: ElectronDialogFits = true;

interface Window {
  readonly name: string;
}
const WINDOW: Window = { name: 'main' };

function fakeDialog(answers: { save?: { canceled: boolean; filePath: string }; open?: { canceled: boolean; filePaths: string[] }; response?: number } = {}) {
  const calls: { method: string; window: Window; options: SaveDialogOptions | OpenDialogOptions | MessageBoxOptions }[] = [];
  const dialog: PromptDialog<Window> = {
    showSaveDialog(window, options) {
      calls.push({ method: 'save', window, options });
      return Promise.resolve(answers.save ?? { canceled: true, filePath: '' });
    },
    showOpenDialog(window, options) {
      calls.push({ method: 'open', window, options });
      return Promise.resolve(answers.open ?? { canceled: true, filePaths: [] });
    },
    showMessageBox(window, options) {
      calls.push({ method: 'message', window, options });
      return Promise.resolve({ response: answers.response ?? 0 });
    },
  };
  return { dialog, calls };
}

describe('Electron prompts (without Electron)', () => {
  it("takes Electron's dialog as it is", () => {
    expect(electronDialogFits).toBe(true);
  });

  it('asks where to save a file, offering the suggested name, modal to the window', async () => {
    const { dialog, calls } = fakeDialog({ save: { canceled: false, filePath: '/home/u/latchkey-export.json' } });
    const path = await electronPrompts(dialog, () => WINDOW).pickPath({ purpose: 'export', kind: 'save-file', suggestedName: 'latchkey-export.json' });
    expect(path).toBe('/home/u/latchkey-export.json');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'save',
      window: WINDOW,
      options: { defaultPath: 'latchkey-export.json', properties: ['createDirectory', 'showOverwriteConfirmation'] },
    });
  });

  it('asks for a folder with an open dialog', async () => {
    const { dialog, calls } = fakeDialog({ open: { canceled: false, filePaths: ['/home/u/backups'] } });
    expect(await electronPrompts(dialog, () => WINDOW).pickPath({ purpose: 'backup-folder', kind: 'folder' })).toBe('/home/u/backups');
    expect(calls[0]).toMatchObject({ method: 'open', window: WINDOW, options: { properties: ['openDirectory', 'createDirectory'] } });
  });

  it('answers undefined when the user cancels either dialog', async () => {
    const prompts = electronPrompts(fakeDialog({ save: { canceled: true, filePath: '/ignored' }, open: { canceled: true, filePaths: ['/ignored'] } }).dialog, () => WINDOW);
    expect(await prompts.pickPath({ purpose: 'backup', kind: 'save-file', suggestedName: 'x.lkbak' })).toBeUndefined();
    expect(await prompts.pickPath({ purpose: 'backup-folder', kind: 'folder' })).toBeUndefined();
  });

  it('answers undefined for an empty or relative path', async () => {
    expect(await electronPrompts(fakeDialog({ save: { canceled: false, filePath: '' } }).dialog, () => WINDOW).pickPath({ purpose: 'backup', kind: 'save-file' })).toBeUndefined();
    expect(await electronPrompts(fakeDialog({ open: { canceled: false, filePaths: [] } }).dialog, () => WINDOW).pickPath({ purpose: 'backup-folder', kind: 'folder' })).toBeUndefined();
    expect(await electronPrompts(fakeDialog({ save: { canceled: false, filePath: 'x.json' } }).dialog, () => WINDOW).pickPath({ purpose: 'export', kind: 'save-file' })).toBeUndefined();
  });

  it('asks before a screenshot, Cancel first and default, and agrees only on the capture button', async () => {
    for (const [response, agreed] of [[0, false], [1, true], [2, false], [-1, false]] as const) {
      const { dialog, calls } = fakeDialog({ response });
      expect(await electronPrompts(dialog, () => WINDOW).confirmCapture()).toBe(agreed);
      expect(calls[0]).toMatchObject({ method: 'message', window: WINDOW, options: { buttons: ['Cancel', 'Capture the screen'], defaultId: 0, cancelId: 0 } });
      expect((calls[0]?.options as MessageBoxOptions).message).toMatch(/screenshot of every display.*QR code/);
    }
  });

  it('asks nothing and answers no when there is no window', async () => {
    const { dialog, calls } = fakeDialog({ response: 1, save: { canceled: false, filePath: '/x' } });
    const prompts = electronPrompts(dialog, () => undefined);
    expect(await prompts.confirmCapture()).toBe(false);
    expect(await prompts.pickPath({ purpose: 'export', kind: 'save-file' })).toBeUndefined();
    expect(calls).toHaveLength(0);
  });
});
