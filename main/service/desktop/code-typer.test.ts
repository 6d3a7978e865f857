import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { chooseCodeTyper, osascriptTyper, sendInputTyper, wtypeTyper, xdotoolTyper, type ToolRunner } from './code-typer.js';

/** A runner that records each call and answers as told. */
function recordingRunner(answer: { code: number; stderr: string } = { code: 0, stderr: '' }) {
  const calls: { command: string; args: readonly string[]; input: string }[] = [];
  const run: ToolRunner = (command, args, input) => {
    calls.push({ command, args, input });
    return Promise.resolve(answer);
  };
  return { calls, run };
}

const onPath = (present: readonly string[]) => (command: string) => Promise.resolve(present.includes(command));

describe('choosing the typing backend by platform and session', () => {
  it('takes osascript on macOS and SendInput on Windows', async () => {
    expect(await chooseCodeTyper('darwin', { env: {} })).toMatchObject({ available: true, typer: { backend: 'osascript' } });
    expect(await chooseCodeTyper('win32', { env: {} })).toMatchObject({ available: true, typer: { backend: 'sendinput' } });
  });

  it('takes xdotool on X11 and wtype on a wlroots Wayland session, when installed', async () => {
    expect(await chooseCodeTyper('linux', { env: { DISPLAY: ':0' }, onPath: onPath(['xdotool']) })).toMatchObject({ available: true, typer: { backend: 'xdotool' } });
    const sway = { WAYLAND_DISPLAY: 'wayland-1', DISPLAY: ':0', XDG_CURRENT_DESKTOP: 'sway' };
    expect(await chooseCodeTyper('linux', { env: sway, onPath: onPath(['wtype', 'xdotool']) })).toMatchObject({ available: true, typer: { backend: 'wtype' } });
  });

  it('says why where the desktop allows no typing', async () => {
    const gnome = await chooseCodeTyper('linux', { env: { XDG_SESSION_TYPE: 'wayland', XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, onPath: onPath(['wtype']) });
    expect(gnome).toEqual({ available: false, reason: expect.stringMatching(/^GNOME on Wayland lets no app type/) as unknown });
    const kde = await chooseCodeTyper('linux', { env: { WAYLAND_DISPLAY: 'wayland-0', XDG_CURRENT_DESKTOP: 'KDE' }, onPath: onPath(['wtype']) });
    expect(kde).toMatchObject({ available: false, reason: expect.stringMatching(/^KDE Plasma on Wayland/) as unknown });
    expect(await chooseCodeTyper('linux', { env: { DISPLAY: ':0' }, onPath: onPath([]) })).toEqual({ available: false, reason: 'typing on X11 needs xdotool; install the xdotool package' });
    expect(await chooseCodeTyper('linux', { env: { WAYLAND_DISPLAY: 'w' }, onPath: onPath([]) })).toMatchObject({ available: false, reason: expect.stringContaining('install the wtype package') as unknown });
    expect(await chooseCodeTyper('linux', { env: {} })).toMatchObject({ available: false, reason: expect.stringContaining('no graphical session') as unknown });
  });
});

describe('each backend', () => {
  it('hands the code to its tool on stdin only, never as an argument', async () => {
    for (const make of [xdotoolTyper, wtypeTyper, osascriptTyper, sendInputTyper]) {
      const { calls, run } = recordingRunner();
      await make(run, {}).type('492039');
      expect(calls).toHaveLength(1);
      expect(calls[0]?.input).toContain('492039');
      expect(calls[0]?.args.join(' ')).not.toContain('492039');
    }
  });

  it('runs the documented command lines', async () => {
    const { calls, run } = recordingRunner();
    await xdotoolTyper(run, {}).type('123456');
    await wtypeTyper(run, {}).type('123456');
    await osascriptTyper(run, {}).type('ABC12');
    await sendInputTyper(run, {}).type('123456');
    expect(calls.map(({ command, args }) => [command, ...args.slice(0, 4)])).toEqual([
      ['xdotool', 'type', '--clearmodifiers', '--delay', '12'],
      ['wtype', '-'],
      ['osascript', '-'],
      ['powershell.exe', '-NoProfile', '-NonInteractive', '-EncodedCommand', expect.any(String)],
    ]);
    expect(calls[2]?.input).toBe('tell application "System Events" to keystroke "ABC12"\n');
    // The encoded script is the SendInput one, and the code is not in it.
    const script = Buffer.from(calls[3]?.args[3] ?? '', 'base64').toString('utf16le');
    expect(script).toContain('SendInput');
    expect(script).not.toContain('123456');
  });

  it('refuses anything but a code before a tool sees it', async () => {
    const { calls, run } = recordingRunner();
    for (const text of ['', '12 34', '1"; do shell script "rm', 'x'.repeat(17)]) {
      await expect(xdotoolTyper(run, {}).type(text)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
      await expect(osascriptTyper(run, {}).type(text)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    }
    expect(calls).toEqual([]);
  });

  it('turns a refusal into TYPING_UNAVAILABLE with the fix', async () => {
    const mac = osascriptTyper(recordingRunner({ code: 1, stderr: 'execution error: System Events got an error: osascript is not allowed to send keystrokes. (1002)' }).run, {});
    const error = await mac.type('123456').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ code: 'TYPING_UNAVAILABLE', details: { reason: 'allow Latchkey in System Settings › Privacy & Security › Accessibility' } });
    const sway = wtypeTyper(recordingRunner({ code: 1, stderr: 'Compositor does not support the virtual keyboard protocol\n' }).run, {});
    await expect(sway.type('123456')).rejects.toMatchObject({ code: 'TYPING_UNAVAILABLE', details: { reason: 'this Wayland compositor does not offer the virtual-keyboard protocol' } });
    const missing: ToolRunner = () => Promise.reject(new Error('spawn xdotool ENOENT'));
    await expect(xdotoolTyper(missing, {}).type('123456')).rejects.toMatchObject({ code: 'TYPING_UNAVAILABLE' });
  });
});

/**
 * For real: an Xvfb display of its own, a small Tk window (fixtures/key-recorder.py, Debian's
 * python3-tk) that holds the input focus and records what it receives, and our xdotool backend typing
 * into it. `.ci/run` installs xvfb, xdotool and python3-tk; under CI=true their absence fails.
 */
const XVFB = '/usr/bin/Xvfb';
const XDOTOOL = '/usr/bin/xdotool';
const PYTHON = '/usr/bin/python3';
const RECORDER = fileURLToPath(new URL('fixtures/key-recorder.py', import.meta.url));
const hasTk = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import tkinter'], { stdio: 'ignore' }).status === 0;
const ready = existsSync(XVFB) && existsSync(XDOTOOL) && hasTk;

describe('xdotool typing under Xvfb', () => {
  if (!ready && process.env['CI'] === 'true') {
    it('needs xvfb, xdotool and python3-tk (installed by .ci/run)', () => {
      expect({ xvfb: existsSync(XVFB), xdotool: existsSync(XDOTOOL), tk: hasTk }).toEqual({ xvfb: true, xdotool: true, tk: true });
    });
    return;
  }
  const started: ChildProcess[] = [];
  let dir: string | undefined;
  let display: string;
  let recordFile: string;

  beforeAll(async () => {
    if (!ready) return;
    dir = mkdtempSync(join(tmpdir(), 'latchkey-typer-'));
    // -displayfd: Xvfb picks a free display itself and writes its number on fd 3 once it accepts clients.
    const xvfb = spawn(XVFB, ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    started.push(xvfb);
    display = `:${(await firstLine(xvfb, 3)).trim()}`;
    recordFile = join(dir, 'received.txt');
    const recorder = spawn(PYTHON, [RECORDER, recordFile], { env: { PATH: process.env['PATH'] ?? '', DISPLAY: display }, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(recorder);
    // "ready": the window holds the input focus, so xdotool's keystrokes go to it.
    expect(await firstLine(recorder, 1)).toBe('ready');
  });

  afterAll(() => {
    for (const child of started.reverse()) child.kill('SIGTERM');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!ready)('types the code into the focused window, holding no modifier', async () => {
    const choice = await chooseCodeTyper('linux', { env: { PATH: process.env['PATH'] ?? '', DISPLAY: display } });
    if (!choice.available) throw new Error(choice.reason);
    expect(choice.typer.backend).toBe('xdotool');
    await choice.typer.type('492039');
    await choice.typer.type('KX7P2');
    expect(readFileSync(recordFile, 'utf8')).toBe('492039KX7P2');
  });
});

/** The first line a child writes on one of its output fds. */
function firstLine(child: ChildProcess, fd: number): Promise<string> {
  const stream = child.stdio[fd];
  if (stream === null || stream === undefined || !('on' in stream)) throw new Error(`no fd ${String(fd)}`);
  return new Promise((resolve, reject) => {
    createInterface({ input: stream as NodeJS.ReadableStream }).once('line', resolve);
    child.once('exit', (code) => {
      reject(new Error(`${child.spawnfile} exited (${String(code)}) before it was ready`));
    });
  });
}
