import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-support/facts.js';
import { permissionFix, UDEV_RELOAD_COMMAND, UDEV_RULE, UDEV_RULE_PATH } from './udev-rule.js';

describe('the udev rule', () => {
  it('the README gives the same rule, file and command as KEY_PERMISSION_DENIED prints', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`\n${UDEV_RULE}\`\`\``);
    expect(readme).toContain(UDEV_RULE_PATH);
    expect(readme).toContain(UDEV_RELOAD_COMMAND);
    expect(permissionFix('linux')).toContain(UDEV_RULE);
    expect(permissionFix('linux')).toContain(UDEV_RULE_PATH);
  });
});
