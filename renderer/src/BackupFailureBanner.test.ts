import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AutoBackupStatus } from '../../shared/backup-api.js';
import { BackupFailureBanner } from './BackupFailureBanner.js';

const failed: AutoBackupStatus = {
  enabled: true,
  folder: '/media/usb/latchkey',
  keep: 10,
  pending: false,
  last: { at: 1_765_000_000, file: '/media/usb/latchkey/latchkey-20251206T054640Z.lkbak', verified: true },
  lastFailure: { at: 1_765_003_600, folder: '/media/usb/latchkey', code: 'IO_ERROR', reason: 'cannot write a backup in /media/usb/latchkey: it does not exist (was it moved, removed or unmounted?)' },
  lastError: 'cannot write a backup in /media/usb/latchkey: it does not exist (was it moved, removed or unmounted?)',
};

describe('BackupFailureBanner (issue 13 item 2)', () => {
  it('says the last automatic backup failed, when and why, as an alert', () => {
    const html = renderToStaticMarkup(createElement(BackupFailureBanner, { status: failed }));
    expect(html).toContain('role="alert"');
    expect(html).toContain('The last automatic backup failed');
    expect(html).toContain(new Date(1_765_003_600 * 1000).toLocaleString());
    expect(html).toContain('it does not exist (was it moved, removed or unmounted?)');
    expect(html).toContain('Back up now');
  });

  it('is not shown when the last backup worked, when they are off, or before the status is known', () => {
    expect(renderToStaticMarkup(createElement(BackupFailureBanner, { status: { ...failed, lastFailure: null, lastError: null } }))).toBe('');
    expect(renderToStaticMarkup(createElement(BackupFailureBanner, { status: { ...failed, enabled: false } }))).toBe('');
    expect(renderToStaticMarkup(createElement(BackupFailureBanner, { status: undefined }))).toBe('');
  });
});
