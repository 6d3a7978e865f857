/**
 * A challenge-response key main generated, shown this once: Latchkey keeps no copy (not in main, not
 * in the page's store: it lives in the programming form's state, gone when the form or the panel
 * closes), so a key nobody wrote down can never be put on a backup YubiKey.
 */
export function GeneratedKeyShown({ keyHex, slot, touch, onDone }: { keyHex: string; slot: 1 | 2; touch: boolean; onDone: () => void }) {
  const groups = keyHex.match(/.{1,8}/g) ?? [keyHex];
  return (
    <div className="stack wide" role="group" aria-label="The new challenge-response key">
      <p role="status">
        Slot {slot} answers challenges{touch ? ' after a touch' : ''}. Its key, shown this once:
      </p>
      <output className="generated-key mono" data-testid="generated-key" aria-label="Challenge-response key (hex)">
        {groups.map((group, index) => (
          <span key={index}>{group}</span>
        ))}
      </output>
      <p className="hint key-once">
        <strong>It won’t be shown again.</strong> Latchkey keeps no copy. If a disk or a password manager will depend on this slot, write the key down and keep it
        offline, or program a backup YubiKey with the same key now: a key nobody kept can’t be put on a second one.
      </p>
      <div className="row">
        <button type="button" className="primary" onClick={onDone}>
          I have kept it
        </button>
      </div>
    </div>
  );
}
