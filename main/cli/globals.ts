import { Option, type Command } from 'commander';

/** The options every command accepts, before or after its name (DESIGN.md, CLI contract). */
export interface GlobalOptions {
  readonly vault?: string;
  readonly passwordFile?: string;
  readonly passwordCommand?: string;
  readonly recoveryKeyFile?: string;
  readonly json: boolean;
  readonly yes: boolean;
  readonly emulator: readonly string[];
  /** `--key SERIAL`: which security key, when several are plugged in. */
  readonly key?: string;
  readonly trace: boolean;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--vault <path>', 'the vault file (default: $LATCHKEY_HOME/vault.sqlite or the platform data folder)')
    .option('--password-file <file>', "read the vault password from the file's first line (\"-\": standard input)")
    .option('--password-command <cmd>', 'run a command and read the vault password from its output')
    .option('--recovery-key-file <file>', 'forgot the password? unlock with the recovery key from this file instead ("-": standard input)')
    .option('--json', 'print machine-readable JSON', false)
    .option('--yes', 'skip confirmations', false)
    .addOption(
      new Option('--emulator <kind[:state]>', 'use an emulated key: yubikey-otp[:STATE], yubikey-oath[:STATE] or nitrokey3[:STATE] (repeatable)')
        .argParser((value: string, previous: string[]) => [...previous, value])
        .default([]),
    )
    .option('--key <serial>', 'the security key to use, by serial number, when several are plugged in')
    .option('--trace', 'print every HID report, APDU and CTAPHID packet (secrets as lengths only), and stack traces of internal errors, on stderr', false);
}

export function globalOptionsOf(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<Partial<GlobalOptions>>();
  return {
    ...(all.vault === undefined ? {} : { vault: all.vault }),
    ...(all.passwordFile === undefined ? {} : { passwordFile: all.passwordFile }),
    ...(all.passwordCommand === undefined ? {} : { passwordCommand: all.passwordCommand }),
    ...(all.recoveryKeyFile === undefined ? {} : { recoveryKeyFile: all.recoveryKeyFile }),
    json: all.json === true,
    yes: all.yes === true,
    emulator: all.emulator ?? [],
    ...(all.key === undefined ? {} : { key: all.key }),
    trace: all.trace === true,
  };
}
