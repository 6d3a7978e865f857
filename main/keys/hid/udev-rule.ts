import { NITROKEY3_PRODUCT_ID, NITROKEY_VENDOR_ID } from './nitrokey.js';
import { YUBICO_VENDOR_ID, YUBIKEY_OTP_PRODUCT_IDS } from './yubico.js';

/**
 * The one place the Linux udev rule is written down: the README quotes it and KEY_PERMISSION_DENIED
 * prints it. `uaccess` gives the user at the seat access to the key's hidraw node (numbered below
 * 73 so systemd-logind's seat rules see the tag).
 */
export const UDEV_RULE_PATH = '/etc/udev/rules.d/70-latchkey-keys.rules';

const hex4 = (id: number) => id.toString(16).padStart(4, '0');

export const UDEV_RULE =
  '# Latchkey: let the logged-in user open YubiKey OTP (keyboard) and Nitrokey 3 (FIDO) HID interfaces\n' +
  `ACTION=="add|change", SUBSYSTEM=="hidraw", ATTRS{idVendor}=="${hex4(YUBICO_VENDOR_ID)}", ` +
  `ATTRS{idProduct}=="${YUBIKEY_OTP_PRODUCT_IDS.map(hex4).join('|')}", TAG+="uaccess"\n` +
  `ACTION=="add|change", SUBSYSTEM=="hidraw", ATTRS{idVendor}=="${hex4(NITROKEY_VENDOR_ID)}", ` +
  `ATTRS{idProduct}=="${hex4(NITROKEY3_PRODUCT_ID)}", TAG+="uaccess"\n`;

export const UDEV_RELOAD_COMMAND = 'sudo udevadm control --reload-rules && sudo udevadm trigger';

/** What the user must do so that this platform lets Latchkey open a key, in words a person can follow. */
export function permissionFix(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'linux':
      return (
        `Linux does not let Latchkey open the key. Save these lines as ${UDEV_RULE_PATH}, ` +
        `run "${UDEV_RELOAD_COMMAND}", then unplug the key and plug it in again:\n${UDEV_RULE}`
      );
    case 'darwin':
      return (
        'macOS did not let Latchkey open the key. Allow Latchkey (or the terminal running latchkey) under ' +
        'System Settings → Privacy & Security → Input Monitoring, then try again.'
      );
    case 'win32':
      return 'Windows did not let Latchkey open the key. Another program may hold it: close YubiKey Manager or other key software, then try again.';
    default:
      return 'The system did not let Latchkey open the key: give your user read and write access to its HID device node.';
  }
}
