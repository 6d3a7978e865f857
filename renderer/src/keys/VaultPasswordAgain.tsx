/**
 * The vault password typed again before an irreversible key write (a reset, a deletion, a slot
 * overwritten): main checks it as it checks unlock's, a wrong one counting with unlock's tries.
 */
export function VaultPasswordAgain({ value, onChange, disabled }: { value: string; onChange: (value: string) => void; disabled?: boolean }) {
  return (
    <label>
      Vault password
      <input type="password" autoComplete="current-password" value={value} disabled={disabled} onChange={(e) => { onChange(e.target.value); }} />
    </label>
  );
}
