import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { PathRequest, UserPrompts } from '../service/index.js';
import { openAppWindow } from './app-window.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);

const TITLES: Record<PathRequest['purpose'], string> = {
  export: 'Save the export as',
  backup: 'Save the backup as',
  'backup-folder': 'Folder for automatic backups',
  'recovery-key': 'Save the recovery key as',
  'backup-open': 'Open a backup',
};

/**
 * The Chromium fallback's own questions, asked in a small app window of main's making: a Chromium
 * of its own (its own temporary profile, no binding of the app's), so the app's page can neither see
 * nor answer it. What Electron's native dialogs are to the app.
 */
export function promptWindows(): UserPrompts {
  async function ask(title: string, body: string, buttons: readonly [cancel: string, ok: string], field?: string): Promise<string | undefined> {
    const promptWindow = await openAppWindow({ size: { width: 520, height: field === undefined ? 220 : 250 } });
    const { page } = promptWindow;
    try {
      const answer = new Promise<string | undefined>((resolve) => {
        void page.exposeFunction('__answer', (value: unknown) => {
          resolve(typeof value === 'string' ? value : undefined);
        });
        page.once('close', () => {
          resolve(undefined);
        });
      });
      await page.setContent(`<!doctype html><meta charset="utf-8"><title>Latchkey: ${escapeHtml(title)}</title>
<style>body{font:15px system-ui,sans-serif;margin:20px;color-scheme:light dark}input{width:100%;box-sizing:border-box;font:inherit;padding:6px}
.row{display:flex;gap:8px;justify-content:flex-end;margin-top:16px}button{font:inherit;padding:6px 14px}</style>
<h3 style="margin-top:0">${escapeHtml(title)}</h3><p>${escapeHtml(body)}</p>
<form id="f">${field === undefined ? '' : `<input id="v" aria-label="${escapeHtml(title)}" value="${escapeHtml(field)}" spellcheck="false" autofocus>`}
<div class="row"><button type="button" id="c">${escapeHtml(buttons[0])}</button><button type="submit">${escapeHtml(buttons[1])}</button></div></form>
<script>
document.getElementById('c').onclick = () => window.__answer(null);
document.getElementById('f').onsubmit = (e) => { e.preventDefault(); const v = document.getElementById('v'); window.__answer(v ? v.value : 'yes'); };
</script>`);
      return await answer;
    } finally {
      await promptWindow.close();
    }
  }

  return {
    async pickPath(request) {
      const suggestion = request.kind === 'folder' || request.kind === 'open-file' ? join(homedir(), 'Backups', 'Latchkey') : join(homedir(), request.suggestedName ?? 'latchkey-export');
      const body =
        request.kind === 'folder'
          ? 'Type the folder’s full path.'
          : request.kind === 'open-file'
            ? 'Type the full path of the backup file.'
            : 'Type the full path of a new file: an existing file is never replaced.';
      const chosen = (await ask(TITLES[request.purpose], body, ['Cancel', 'Choose'], suggestion))?.trim();
      if (chosen === undefined || chosen === '') return undefined;
      const expanded = chosen.startsWith('~/') ? join(homedir(), chosen.slice(2)) : chosen;
      return isAbsolute(expanded) ? expanded : join(homedir(), expanded);
    },
    async confirmCapture() {
      const body = 'Latchkey will take a screenshot of every display to look for a QR code. Nothing is kept but the accounts you then choose to add.';
      return (await ask('Capture the screen?', body, ['Cancel', 'Capture the screen'])) === 'yes';
    },
  };
}
