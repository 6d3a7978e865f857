/**
 * The idle cost of the keys panel's plug watch (issue 18): CPU time and wake-ups (context switches
 * of every thread of this process, and of pcscd) per second, with no watch, with the watch on real
 * backends (node-hid polled by HidWatcher; smartcard's ReaderMonitor on a private pcscd with a
 * YubiKey-named vpcd reader), and after it stops. `npx tsx scripts/measure-key-watch.ts [seconds]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { privatePcscdMissing, startPrivatePcscd } from '../main/keys/emulators/pcscd/private-pcscd.js';

const seconds = Number(process.argv[2] ?? '20');

function switches(pid: number | 'self'): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${String(pid)}/task`)) {
    const status = readFileSync(`/proc/${String(pid)}/task/${task}/status`, 'utf8');
    for (const name of ['voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches']) total += Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  }
  return total;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100/s)
}

async function phase(name: string, pcscdPid: number | undefined): Promise<void> {
  const cpu = process.cpuUsage();
  const own = switches('self');
  const daemon = pcscdPid === undefined ? 0 : switches(pcscdPid);
  const daemonCpu = pcscdPid === undefined ? 0 : cpuTicks(pcscdPid);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const used = process.cpuUsage(cpu);
  const line = [
    name.padEnd(12),
    `cpu ${((used.user + used.system) / 1000 / seconds).toFixed(2)} ms/s`,
    `wake-ups ${((switches('self') - own) / seconds).toFixed(1)}/s`,
    pcscdPid === undefined ? '' : `pcscd: wake-ups ${((switches(pcscdPid) - daemon) / seconds).toFixed(1)}/s, cpu ${((cpuTicks(pcscdPid) - daemonCpu) * 10 / seconds).toFixed(2)} ms/s`,
  ];
  console.log(line.join('  '));
}

const missing = privatePcscdMissing();
const pcscd = missing === null ? await startPrivatePcscd({ friendlyName: 'Yubico YubiKey OTP+FIDO+CCID' }) : undefined;
if (pcscd !== undefined) process.env['PCSCLITE_CSOCK_NAME'] = pcscd.env.PCSCLITE_CSOCK_NAME;
else console.log(`no private pcscd (${String(missing)}): PC/SC side not measured`);
try {
  const { createDevices } = await import('../main/service/devices.js');
  const devices = createDevices();
  // Load node-hid and smartcard first, and let start-up settle, so the phases measure the watch only.
  await devices.yubiKeyOtp().catch(() => undefined);
  await devices.oathKeys().catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const noReaders = { listReaders: () => Promise.resolve([]), watch: () => Promise.resolve({ stop: () => Promise.resolve() }), connect: () => Promise.reject(new Error('none')) };
  const noHid = { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('none')) };
  const { createSmartcardBackend } = await import('../main/keys/pcsc/smartcard-adapter.js');
  const variants = [
    ['HID only', createDevices({ pcsc: noReaders })],
    ['PC/SC only', createDevices({ backend: noHid, pcsc: createSmartcardBackend() })],
    ['both', devices],
  ] as const;
  let changes = 0;
  await phase('no watch', pcscd?.pid);
  for (const [name, variant] of variants) {
    const stop = variant.watchKeys(() => changes++);
    await phase(name, pcscd?.pid);
    stop();
    await phase('stopped', pcscd?.pid);
  }
  console.log(`(${String(changes)} plug changes told while watching: the readers present at each start)`);
} finally {
  await pcscd?.stop();
}
