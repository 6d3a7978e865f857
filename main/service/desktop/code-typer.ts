import { execFile, spawn } from 'node:child_process';
import { LatchkeyError } from '../../../shared/errors.js';

/**
 * Type-the-code: a code typed as keystrokes into the window that had focus before the quick-search
 * window, through whatever the desktop offers for synthetic input. The code always reaches the tool on
 * its standard input, never as an argument, so it never shows in the process list.
 */
export type TyperBackend = 'xdotool' | 'wtype' | 'osascript' | 'sendinput';

export interface CodeTyper {
  readonly backend: TyperBackend;
  /** Types `code` as keystrokes into the focused window; TYPING_UNAVAILABLE when the desktop refuses. */
  type(code: string): Promise<void>;
}

export type TyperChoice = { readonly available: true; readonly typer: CodeTyper } | { readonly available: false; readonly reason: string };

type Env = Readonly<Record<string, string | undefined>>;

/** Codes are digits (Steam: letters and digits); anything else is refused before a tool sees it. */
const TYPABLE = /^[A-Za-z0-9]{1,16}$/;

/** A tool run with `input` on stdin; resolves with its stderr when it exits 0. */
export type ToolRunner = (command: string, args: readonly string[], input: string, env: Env) => Promise<{ readonly code: number; readonly stderr: string }>;

export interface TyperOptions {
  readonly env?: Env;
  readonly run?: ToolRunner;
  /** Whether a command is on PATH (tests pretend). */
  readonly onPath?: (command: string, env: Env) => Promise<boolean>;
}

/** Picks the backend for this platform and session; where none can work, why, in words for the user. */
export async function chooseCodeTyper(platform: NodeJS.Platform, options: TyperOptions = {}): Promise<TyperChoice> {
  const env = options.env ?? process.env;
  const run = options.run ?? runTool;
  const found = options.onPath ?? onPath;
  if (platform === 'darwin') return { available: true, typer: osascriptTyper(run, env) };
  if (platform === 'win32') return { available: true, typer: sendInputTyper(run, env) };
  const wayland = env['XDG_SESSION_TYPE'] === 'wayland' || (env['WAYLAND_DISPLAY'] ?? '') !== '';
  if (wayland) {
    const desktop = (env['XDG_CURRENT_DESKTOP'] ?? '').toUpperCase();
    // Mutter and KWin offer the virtual-keyboard protocol to input methods only, not to apps.
    if (desktop.includes('GNOME') || desktop.includes('KDE')) {
      return { available: false, reason: `${desktop.includes('GNOME') ? 'GNOME' : 'KDE Plasma'} on Wayland lets no app type into another window; copy the code instead (Enter)` };
    }
    if (!(await found('wtype', env))) return { available: false, reason: 'typing on Wayland needs wtype (wlroots compositors such as Sway); install the wtype package' };
    return { available: true, typer: wtypeTyper(run, env) };
  }
  if ((env['DISPLAY'] ?? '') !== '') {
    if (!(await found('xdotool', env))) return { available: false, reason: 'typing on X11 needs xdotool; install the xdotool package' };
    return { available: true, typer: xdotoolTyper(run, env) };
  }
  return { available: false, reason: 'no graphical session (neither WAYLAND_DISPLAY nor DISPLAY is set)' };
}

/** X11 through XTEST. `--clearmodifiers`: the Shift of Shift+Enter may still be held down. */
export function xdotoolTyper(run: ToolRunner = runTool, env: Env = process.env): CodeTyper {
  return toolTyper('xdotool', run, env, (code) => ({ command: 'xdotool', args: ['type', '--clearmodifiers', '--delay', '12', '--file', '-'], input: code }));
}

/** wlroots' virtual-keyboard protocol; `-` reads the text from stdin. */
export function wtypeTyper(run: ToolRunner = runTool, env: Env = process.env): CodeTyper {
  return toolTyper('wtype', run, env, (code) => ({ command: 'wtype', args: ['-'], input: code }));
}

/** System Events' keystroke; the script (holding the code) goes to osascript on stdin. Needs the Accessibility permission. */
export function osascriptTyper(run: ToolRunner = runTool, env: Env = process.env): CodeTyper {
  return toolTyper('osascript', run, env, (code) => ({ command: 'osascript', args: ['-'], input: `tell application "System Events" to keystroke "${code}"\n` }));
}

/**
 * Windows: user32's SendInput with KEYEVENTF_UNICODE, one down and one up per character, from a
 * PowerShell script that reads the code from its stdin. INPUT holds the MOUSEINPUT union
 * member so Marshal.SizeOf gives the size SendInput checks.
 */
export const SEND_INPUT_SCRIPT = String.raw`$code = [Console]::In.ReadLine()
Add-Type -TypeDefinition @'
using System;
using System.Runtime.InteropServices;
public static class LatchkeyTyper {
  [StructLayout(LayoutKind.Sequential)] public struct MOUSEINPUT { public int dx; public int dy; public uint mouseData; public uint dwFlags; public uint time; public IntPtr dwExtraInfo; }
  [StructLayout(LayoutKind.Sequential)] public struct KEYBDINPUT { public ushort wVk; public ushort wScan; public uint dwFlags; public uint time; public IntPtr dwExtraInfo; }
  [StructLayout(LayoutKind.Explicit)] public struct InputUnion { [FieldOffset(0)] public MOUSEINPUT mi; [FieldOffset(0)] public KEYBDINPUT ki; }
  [StructLayout(LayoutKind.Sequential)] public struct INPUT { public uint type; public InputUnion u; }
  [DllImport("user32.dll", SetLastError = true)] static extern uint SendInput(uint count, INPUT[] inputs, int size);
  public static bool Type(string text) {
    var inputs = new INPUT[text.Length * 2];
    for (int i = 0; i < text.Length; i++) {
      inputs[2 * i].type = 1; inputs[2 * i].u.ki.wScan = text[i]; inputs[2 * i].u.ki.dwFlags = 0x0004;
      inputs[2 * i + 1].type = 1; inputs[2 * i + 1].u.ki.wScan = text[i]; inputs[2 * i + 1].u.ki.dwFlags = 0x0004 | 0x0002;
    }
    return SendInput((uint)inputs.Length, inputs, Marshal.SizeOf(typeof(INPUT))) == inputs.Length;
  }
}
'@
if (-not [LatchkeyTyper]::Type($code)) { exit 3 }
`;

export function sendInputTyper(run: ToolRunner = runTool, env: Env = process.env): CodeTyper {
  return toolTyper('sendinput', run, env, (code) => ({
    command: 'powershell.exe',
    // The script (no code in it) as -EncodedCommand, base64 of UTF-16LE as PowerShell documents; the code on stdin.
    args: ['-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(SEND_INPUT_SCRIPT, 'utf16le').toString('base64')],
    input: `${code}\n`,
  }));
}

function toolTyper(backend: TyperBackend, run: ToolRunner, env: Env, invocation: (code: string) => { command: string; args: string[]; input: string }): CodeTyper {
  return {
    backend,
    async type(code) {
      if (!TYPABLE.test(code)) throw new LatchkeyError('INVALID_REQUEST', 'only a code of letters and digits can be typed');
      const { command, args, input } = invocation(code);
      let result: { code: number; stderr: string };
      try {
        result = await run(command, args, input, env);
      } catch {
        throw new LatchkeyError('TYPING_UNAVAILABLE', `could not start ${command}`, { reason: `${command} is missing or could not run` });
      }
      if (result.code !== 0) throw new LatchkeyError('TYPING_UNAVAILABLE', `${command} could not type the code`, { reason: refusalReason(backend, result.stderr) });
    },
  };
}

/** The tool's refusal in words for the user. Its stderr never holds the code (it came on stdin). */
function refusalReason(backend: TyperBackend, stderr: string): string {
  if (backend === 'osascript' && /not allowed|1002|1719/i.test(stderr)) return 'allow Latchkey in System Settings › Privacy & Security › Accessibility';
  if (backend === 'wtype' && /virtual keyboard/i.test(stderr)) return 'this Wayland compositor does not offer the virtual-keyboard protocol';
  return stderr.split('\n')[0]?.slice(0, 200) ?? '';
}

const runTool: ToolRunner = (command, args, input, env) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env: { ...env }, stdio: ['pipe', 'ignore', 'pipe'], timeout: 10_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code: code ?? 1, stderr });
    });
    child.stdin.end(input);
  });

function onPath(command: string, env: Env): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', 'command -v "$1"', 'sh', command], { env: { PATH: env['PATH'] ?? '' } }, (error) => {
      resolve(error === null);
    });
  });
}
