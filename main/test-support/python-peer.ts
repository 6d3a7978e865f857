import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Debian's own Python (not a pyenv one), where `.ci/run` installs the peers we check against:
 * python3-argon2 (argon2-cffi) and python3-nacl (PyNaCl).
 */
export const DEBIAN_PYTHON = '/usr/bin/python3';

export function pythonHas(module: string): boolean {
  if (!existsSync(DEBIAN_PYTHON)) return false;
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs a Python snippet that reads JSON on stdin and prints JSON. */
export function runPython(code: string, input: unknown): unknown {
  return JSON.parse(execFileSync(DEBIAN_PYTHON, ['-c', code], { input: JSON.stringify(input), encoding: 'utf8' })) as unknown;
}

/** On CI a missing peer is a failure, elsewhere a skip. */
export function peerAvailable(module: string): boolean {
  return pythonHas(module) || process.env['CI'] === 'true';
}
