import type { Clipboard } from '../clipboard-guard.js';

/**
 * A clipboard whose reads answer only when the test says so, as Electron 45's read may be a promise:
 * `answerRead()` lets the oldest pending read through, `answerAll()` every one pending.
 */
export function slowClipboard() {
  const board = { text: '' };
  const reads: (() => void)[] = [];
  const clipboard: Clipboard = {
    write: (text) => {
      board.text = text;
    },
    read: () =>
      new Promise<string>((resolve) => {
        reads.push(() => {
          resolve(board.text);
        });
      }),
  };
  return {
    board,
    clipboard,
    answerRead: () => reads.shift()?.(),
    answerAll: () => {
      for (const read of reads.splice(0)) read();
    },
  };
}
