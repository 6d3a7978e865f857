/** The parts of a key press a shortcut is made of (a KeyboardEvent fits). */
export interface ShortcutKeyPress {
  readonly key: string;
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
  readonly metaKey: boolean;
}

const MODIFIER_KEYS = new Set(['Control', 'Alt', 'Shift', 'Meta', 'AltGraph', 'OS', 'Super']);

/**
 * A key press as an Electron accelerator ("Ctrl+Shift+K"): the key by its place on the keyboard
 * (`code`), so Shift or a layout does not change the letter. Undefined while only modifiers are held,
 * or with none (a global shortcut without a modifier would take a key from every app).
 */
export function acceleratorOf(press: ShortcutKeyPress): string | undefined {
  if (MODIFIER_KEYS.has(press.key)) return undefined;
  const key = keyName(press.code);
  if (key === undefined) return undefined;
  const modifiers = [press.ctrlKey && 'Ctrl', press.altKey && 'Alt', press.shiftKey && 'Shift', press.metaKey && 'Super'].filter((name) => name !== false);
  if (modifiers.length === 0) return undefined;
  return [...modifiers, key].join('+');
}

function keyName(code: string): string | undefined {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter !== null) return letter[1];
  const digit = /^Digit([0-9])$/.exec(code);
  if (digit !== null) return digit[1];
  if (/^F([1-9]|1[0-9]|2[0-4])$/.test(code)) return code;
  const named: Readonly<Record<string, string>> = { Space: 'Space', Backquote: '`', Slash: '/', Period: '.', Comma: ',', Semicolon: ';', Minus: '-', Equal: '=' };
  return named[code];
}
