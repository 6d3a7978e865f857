import { describe, expect, it } from 'vitest';
import { renameSupport } from './rename-support.js';

const yubiKey = (firmware: string) => ({ kind: 'yubikey-oath' as const, serial: 1, firmware, emulated: true });

describe('rename support', () => {
  it('is offered from YubiKey firmware 5.3.1, and refused below it with the firmware named', () => {
    for (const firmware of ['5.3.1', '5.4.3', '5.7.0', '6.0.0']) expect(renameSupport(yubiKey(firmware))).toEqual({ supported: true });
    for (const firmware of ['5.3.0', '5.2.7', '4.3.7']) {
      const support = renameSupport(yubiKey(firmware));
      expect(support.supported).toBe(false);
      if (!support.supported) expect(support.reason).toContain(`(${firmware})`);
    }
  });

  it('leaves a firmware it can’t read, and a Nitrokey 3, to main', () => {
    expect(renameSupport(yubiKey('unknown')).supported).toBe(true);
    expect(renameSupport({ kind: 'nitrokey3', serial: 2, firmware: '4.10', emulated: true }).supported).toBe(true);
  });
});
