import type { MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { isAbsolute } from 'node:path';
import type { PathRequest, UserPrompts } from '../service/index.js';

/**
 * The part of Electron's `dialog` the prompts use, each method in its window-modal form. Typed
 * structurally so tests pass a fake; Electron's `dialog` fits it as is.
 */
export interface PromptDialog<W> {
  showSaveDialog(window: W, options: SaveDialogOptions): Promise<{ readonly canceled: boolean; readonly filePath: string }>;
  showOpenDialog(window: W, options: OpenDialogOptions): Promise<{ readonly canceled: boolean; readonly filePaths: readonly string[] }>;
  showMessageBox(window: W, options: MessageBoxOptions): Promise<{ readonly response: number }>;
}

const TITLES: Readonly<Record<PathRequest['purpose'], { readonly title: string; readonly button: string }>> = {
  export: { title: 'Export accounts', button: 'Export' },
  backup: { title: 'Save a backup', button: 'Save backup' },
  'backup-folder': { title: 'Folder for automatic backups', button: 'Choose folder' },
  'recovery-key': { title: 'Save the recovery key', button: 'Save' },
  'backup-open': { title: 'Open a backup', button: 'Open backup' },
};

export const CAPTURE_BUTTONS = ['Cancel', 'Capture the screen'] as const;

/**
 * Main's own questions to the user (main/service/user-prompts.ts) as native dialogs, modal to the
 * app's window. Without a window (it closed meanwhile) nothing is asked and the answer is "no".
 */
export function electronPrompts<W>(dialog: PromptDialog<W>, getWindow: () => W | undefined): UserPrompts {
  return {
    async pickPath(request) {
      const window = getWindow();
      if (window === undefined) return undefined;
      const { title, button } = TITLES[request.purpose];
      let chosen: string | undefined;
      if (request.kind === 'save-file') {
        const result = await dialog.showSaveDialog(window, {
          title,
          buttonLabel: button,
          ...(request.suggestedName === undefined ? {} : { defaultPath: request.suggestedName }),
          properties: ['createDirectory', 'showOverwriteConfirmation'],
        });
        chosen = result.canceled ? undefined : result.filePath;
      } else if (request.kind === 'open-file') {
        const result = await dialog.showOpenDialog(window, { title, buttonLabel: button, properties: ['openFile'], filters: [{ name: 'Latchkey backups', extensions: ['lkbak'] }, { name: 'All files', extensions: ['*'] }] });
        chosen = result.canceled ? undefined : result.filePaths[0];
      } else {
        const result = await dialog.showOpenDialog(window, { title, buttonLabel: button, properties: ['openDirectory', 'createDirectory'] });
        chosen = result.canceled ? undefined : result.filePaths[0];
      }
      return chosen !== undefined && chosen !== '' && isAbsolute(chosen) ? chosen : undefined;
    },

    async confirmCapture() {
      const window = getWindow();
      if (window === undefined) return false;
      const { response } = await dialog.showMessageBox(window, {
        type: 'question',
        title: 'Scan the screen',
        message: 'Latchkey will take a screenshot of every display to look for a QR code.',
        detail: 'The screenshots stay in memory only while they are searched; nothing is saved or sent anywhere.',
        buttons: [...CAPTURE_BUTTONS],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      });
      return response === 1;
    },
  };
}
