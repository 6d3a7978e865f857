import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatchkeyError } from '../../shared/errors.js';
import type { ScreenCapture } from './capture.js';

interface Tool {
  readonly command: string;
  readonly args: (file: string) => string[];
  /** True when the tool writes the image to stdout instead of a file. */
  readonly stdout?: boolean;
}

const WAYLAND_SCREENSHOT: readonly Tool[] = [
  { command: 'grim', args: () => ['-'], stdout: true },
  { command: 'spectacle', args: (file) => ['-b', '-n', '-f', '-o', file] },
  { command: 'gnome-screenshot', args: (file) => ['-f', file] },
];
const X11_SCREENSHOT: readonly Tool[] = [
  { command: 'maim', args: () => [], stdout: true },
  { command: 'import', args: () => ['-window', 'root', 'png:-'], stdout: true },
  { command: 'scrot', args: (file) => ['-o', file] },
  { command: 'gnome-screenshot', args: (file) => ['-f', file] },
  { command: 'spectacle', args: (file) => ['-b', '-n', '-f', '-o', file] },
];

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Screenshots for `latchkey scan --screen`, through whichever screenshot tool the desktop has
 * (the app uses Electron's desktopCapturer instead). One image of the whole screen.
 */
export function commandScreenCapture(env: Env = process.env): ScreenCapture {
  return {
    capture: async () => {
      const wayland = (env['WAYLAND_DISPLAY'] ?? '') !== '';
      const x11 = (env['DISPLAY'] ?? '') !== '';
      if (!wayland && !x11) throw new LatchkeyError('CAPTURE_UNAVAILABLE', 'no graphical session (neither WAYLAND_DISPLAY nor DISPLAY is set)');
      const tools = wayland ? WAYLAND_SCREENSHOT : X11_SCREENSHOT;
      for (const tool of tools) {
        if (!(await onPath(tool.command, env))) continue;
        return [await runImageTool(tool)];
      }
      const install = wayland ? 'grim (or spectacle / gnome-screenshot)' : 'maim, scrot or ImageMagick';
      throw new LatchkeyError('CAPTURE_UNAVAILABLE', `no screenshot tool found: install ${install}`);
    },
  };
}

export type ClipboardContent = { readonly image: Uint8Array } | { readonly text: string };

/** The clipboard for `latchkey scan --clipboard`: an image if it holds one, else its text. */
export async function readClipboard(env: Env = process.env): Promise<ClipboardContent> {
  const wayland = (env['WAYLAND_DISPLAY'] ?? '') !== '';
  const candidates: [string, string[], string[]][] = wayland
    ? [['wl-paste', ['--no-newline', '--type', 'image/png'], ['--no-newline']]]
    : [
        ['xclip', ['-selection', 'clipboard', '-t', 'image/png', '-o'], ['-selection', 'clipboard', '-o']],
        ['xsel', [], ['--clipboard', '--output']],
      ];
  for (const [command, imageArgs, textArgs] of candidates) {
    if (!(await onPath(command, env))) continue;
    if (imageArgs.length > 0) {
      const image = await run(command, imageArgs).catch(() => undefined);
      if (image !== undefined && image.length > 8 && image[0] === 0x89) return { image: new Uint8Array(image) };
    }
    const text = await run(command, textArgs).catch(() => undefined);
    if (text !== undefined) return { text: text.toString('utf8') };
  }
  throw new LatchkeyError('CAPTURE_UNAVAILABLE', wayland ? 'cannot read the clipboard: install wl-clipboard' : 'cannot read the clipboard: install xclip or xsel');
}

async function runImageTool(tool: Tool): Promise<Uint8Array> {
  if (tool.stdout === true) {
    return new Uint8Array(await run(tool.command, tool.args('')).catch(() => denied(tool.command)));
  }
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-capture-'));
  const file = join(folder, 'screen.png');
  try {
    await run(tool.command, tool.args(file)).catch(() => denied(tool.command));
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    if (error instanceof LatchkeyError) throw error;
    return denied(tool.command);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function denied(command: string): never {
  throw new LatchkeyError('CAPTURE_DENIED', `${command} did not take a screenshot (permission denied or cancelled?)`);
}

function run(command: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 }, (error, stdout) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`${command} failed`, { cause: error }));
    });
  });
}

function onPath(command: string, env: Env): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', `command -v ${command}`], { env: { PATH: env['PATH'] ?? '' } }, (error) => {
      resolve(error === null);
    });
  });
}
