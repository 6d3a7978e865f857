/**
 * Whether a PC/SC reader is a YubiKey's own CCID interface. Names differ by OS suffix (" 00 00",
 * " 0", none), model and mode, and YubiKey 4/NEO spell it "Yubikey", so match as ykman does: a
 * case-insensitive "yubico yubikey" anywhere (sheet §1, trap 22). A YubiKey on an NFC reader
 * shows the reader's own name and is not matched here.
 */
export function isYubiKeyReader(name: string): boolean {
  return name.toLowerCase().includes('yubico yubikey');
}
