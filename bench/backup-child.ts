/**
 * One measured step of the backup benchmark in its own process, so its peak RSS is its own:
 * `node backup-child.js build|backup|restore VAULT BACKUP COUNT`. Prints JSON { ms, maxRssMiB }.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClient } from '../shared/client.js';
import { encodeBase32 } from '../main/otp/index.js';
import { createService } from '../main/service/index.js';
import { KDF_FLOOR } from '../main/vault/index.js';

const [step = '', vaultPath = '', backupPath = '', countText = '0'] = process.argv.slice(2);
const service = createService({ clock: { now: () => Date.now() }, vaultPath, kdf: KDF_FLOOR });
const client = createClient((channel, payload) => service.dispatch(channel, payload));
const PASSWORD = 'backup benchmark password';

if (step === 'build') {
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  const lines = Array.from({ length: Number(countText) }, (_, i) => `otpauth://totp/Service%20${String(i)}:user${String(i)}?secret=${encodeBase32(randomBytes(20))}`);
  const preview = await client.call('import.preview', { fileBase64: Buffer.from(lines.join('\n')).toString('base64') });
  await client.call('import.commit', { previewId: preview.previewId });
} else {
  await client.call('vault.unlock', { password: PASSWORD });
  const baseline = process.resourceUsage().maxRSS;
  const start = performance.now();
  if (step === 'backup') await client.call('backup.create', { path: backupPath, password: PASSWORD, vaultPassword: PASSWORD, replace: true });
  else await client.call('backup.restore', { path: backupPath, password: PASSWORD, mode: 'replace', vaultPassword: PASSWORD });
  const ms = performance.now() - start;
  process.stdout.write(`${JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, baselineMiB: baseline / 1024 })}\n`);
}
service.lock();
