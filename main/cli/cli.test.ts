import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/errors.js';
import { makeTempHome, spawnCli } from './test-support/spawn-cli.js';

const home = makeTempHome();
const run = (args: string[], stdin?: string) => spawnCli(args, { home, ...(stdin === undefined ? {} : { stdin }) });
const SECRET = 'JBSWY3DPEHPK3PXP';

describe('latchkey code', () => {
  it('prints the code alone, as oathtool computes it', async () => {
    const result = await run(['code', '--secret', SECRET, '--at', '1700000000']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`${oathtool(['--totp', '--now=@1700000000', '--base32', SECRET])}\n`);
  });

  it('prints JSON with the validity window', async () => {
    const result = await run(['code', '--secret', SECRET, '--at', '1700000000', '--json']);
    expect(JSON.parse(result.stdout)).toEqual({ code: '324550', validFrom: 1699999980, validUntil: 1700000010 });
  });

  it('reads the secret from stdin with --secret -', async () => {
    const result = await run(['code', '--secret', '-', '--type', 'hotp', '--counter', '1', '--digits', '8'], 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n');
    expect(result.stdout).toBe('94287082\n');
  });

  it('takes a URI, and global options after the command', async () => {
    const uri = `otpauth://totp/Example:alice?secret=${SECRET}&issuer=Example&digits=8&algorithm=SHA256`;
    const result = await run(['code', '--uri', uri, '--at', '1700000000', '--json']);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed['account']).toEqual({ type: 'totp', issuer: 'Example', label: 'alice', algorithm: 'SHA256', digits: 8, period: 30, tags: [] });
    expect(parsed['code']).toBe(oathtool(['--totp=sha256', '--digits=8', '--now=@1700000000', '--base32', SECRET]));
  });

  it('makes Steam codes', async () => {
    const result = await run(['code', '--secret', 'AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT', '--type', 'steam', '--at', '1234567890']);
    expect(result.stdout).toBe('P48QM\n');
  });
});

describe('latchkey uri', () => {
  it('parses with the secret hidden by default', async () => {
    const result = await run(['uri', 'parse', `otpauth://totp/ACME%20Co:john?secret=${SECRET}&issuer=ACME%20Co`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('issuer:    ACME Co');
    expect(result.stdout).not.toContain(SECRET);
  });

  it('prints exact 64-bit counters in JSON, and the secret when asked', async () => {
    const result = await run(['--json', 'uri', 'parse', `otpauth://hotp/Big:c?secret=${SECRET}&counter=18446744073709551615`, '--show-secrets']);
    expect(result.stdout).toContain('"counter": 18446744073709551615');
    expect(result.stdout).toContain(`"secretBase32": "${SECRET}"`);
  });

  it('formats a URI that parses back', async () => {
    const formatted = await run(['uri', 'format', '--secret', SECRET, '--issuer', 'C++ Club', '--label', 'me@example.com']);
    expect(formatted.stdout.trim()).toBe(
      `otpauth://totp/C%2B%2B%20Club:me%40example.com?secret=${SECRET}&issuer=C%2B%2B%20Club&algorithm=SHA1&digits=6&period=30`,
    );
    const parsed = await run(['uri', 'parse', formatted.stdout.trim(), '--json']);
    expect(JSON.parse(parsed.stdout)).toMatchObject({ issuer: 'C++ Club', label: 'me@example.com' });
  });

  it('sends warnings to stderr', async () => {
    const result = await run(['uri', 'parse', `otpauth://totp/Label:nora?secret=${SECRET}&issuer=Param`]);
    expect(result.stderr).toBe('latchkey: warning: issuer: the label prefix and the issuer parameter disagree; the parameter was used\n');
  });
});

describe('errors: one line, our code, no stack, no secret', () => {
  const cases: [string, string[], keyof typeof EXIT_CODES][] = [
    ['a bad secret', ['code', '--secret', 'NOT-BASE32-1'], 'ACCOUNT_INVALID'],
    ['digits out of range', ['code', '--secret', SECRET, '--digits', '11'], 'ACCOUNT_INVALID'],
    ['a non-numeric flag', ['code', '--secret', SECRET, '--period', 'soon'], 'USAGE'],
    ['an unknown option', ['code', '--frobnicate'], 'USAGE'],
    ['an unknown command', ['frobnicate'], 'USAGE'],
    ['a bad --type', ['code', '--secret', SECRET, '--type', 'motp'], 'USAGE'],
    ['neither --uri nor --secret', ['code'], 'USAGE'],
    ['--uri with --digits', ['code', '--uri', `otpauth://totp/a?secret=${SECRET}`, '--digits', '8'], 'USAGE'],
    ['a bad URI scheme', ['uri', 'parse', `http://totp/a?secret=${SECRET}`], 'URI_BAD_SCHEME'],
    ['a bad URI secret', ['uri', 'parse', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PX1'], 'URI_BAD_SECRET'],
    ['a bad URI counter', ['uri', 'parse', `otpauth://hotp/a?secret=${SECRET}`], 'URI_BAD_COUNTER'],
    ['a bad URI algorithm', ['code', '--uri', `otpauth://totp/a?secret=${SECRET}&algorithm=MD5`], 'URI_BAD_ALGORITHM'],
    ['malformed percent-encoding', ['uri', 'parse', `otpauth://totp/a%G1?secret=${SECRET}`], 'URI_MALFORMED'],
  ];

  it.each(cases)('%s', async (_name, args, code) => {
    const result = await run(args);
    expect(result.code).toBe(EXIT_CODES[code]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^latchkey: ${code}: [^\\n]+\\n$`));
    expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    expect(result.stderr).not.toContain(SECRET);
  });

  it('reports errors as JSON on stderr with --json', async () => {
    const result = await run(['code', '--secret', SECRET, '--digits', '0', '--json']);
    expect(result.code).toBe(EXIT_CODES.ACCOUNT_INVALID);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: 'ACCOUNT_INVALID', message: 'digits must be from 1 to 10', details: { field: 'digits' } },
    });
  });

  it('reports usage errors as JSON too', async () => {
    const result = await run(['code', '--nope', '--json']);
    expect(result.code).toBe(EXIT_CODES.USAGE);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'USAGE' } });
  });
});

describe('help and version', () => {
  it.each([['--help'], ['code', '--help'], ['uri', 'parse', '--help'], ['uri', 'format', '--help']])('%s has examples', async (...args) => {
    const result = await run(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
  });

  it('no example puts a secret or a password on the command line (it would show in the process list)', async () => {
    const commands = [[], ['init'], ['add'], ['list'], ['code'], ['remove'], ['scan'], ['import'], ['export'], ['uri', 'parse'], ['uri', 'format'], ['backup', 'create'], ['backup', 'auto'], ['vault', 'passwd']];
    for (const command of commands) {
      const help = (await run([...command, '--help'])).stdout;
      const examples = help.split('\n').filter((line) => line.trim().startsWith('$ latchkey'));
      expect(examples.length, command.join(' ')).toBeGreaterThan(0);
      for (const line of examples) expect(line, command.join(' ')).not.toMatch(/secret=[A-Z2-7]|--secret [A-Z2-7]{8}|--(backup-|import-|transfer-)?password [^-]/);
    }
  });

  it('"-" reads a link from standard input for add --uri, code --uri and uri parse', async () => {
    const uri = `otpauth://totp/Example:alice?secret=${SECRET}&issuer=Example`;
    expect((await run(['code', '--uri', '-', '--at', '1700000000'], `${uri}\n`)).stdout).toBe(`${oathtool(['--totp', '--now=@1700000000', '--base32', SECRET])}\n`);
    expect(JSON.parse((await run(['uri', 'parse', '-', '--json'], uri)).stdout)).toMatchObject({ issuer: 'Example', label: 'alice' });
  });

  it('prints the version', async () => {
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('a bare command group prints its help and exits with the usage code', async () => {
    const result = await run(['uri']);
    expect(result.code).toBe(EXIT_CODES.USAGE);
    expect(result.stderr).toContain('Usage: latchkey uri');
  });
});

function oathtool(args: string[]): string {
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}
