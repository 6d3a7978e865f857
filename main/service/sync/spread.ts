import type { PlanCell } from './model.js';
import { targetLabel, willWrite } from './model.js';

/** One key's column of the plan: its cells by account id, and how many more credentials it takes. */
export interface KeyColumn {
  readonly serial: number;
  /** Its target id (a YubiKey's OTP slots are `SERIAL/otp`), as the plan's messages name it. */
  readonly target: string;
  readonly byAccount: Map<string, PlanCell>;
  free: number;
}

export interface PlacementRules {
  /** The chosen accounts in the user's order, with whether each is HOTP. */
  readonly order: readonly { readonly id: string; readonly hotp: boolean }[];
  readonly spread: { readonly copies: number } | undefined;
  readonly hotpOnSeveralKeys: boolean;
  /**
   * Where each HOTP account already is outside this sync's targets (the inventory's other keys and
   * the OTP slots Latchkey programmed), by account id: those count toward its one place too.
   */
  readonly heldElsewhere?: ReadonlyMap<string, readonly string[]>;
  /** Whether the user chose this cell (`--choose TARGET:NAME`): a HOTP account held elsewhere goes here too then. */
  readonly picked?: (target: string, name: string) => boolean;
}

const holds = (cell: PlanCell | undefined) => cell !== undefined && (cell.action === 'identical' || ((cell.action === 'overwrite' || cell.action === 'rename') && willWrite(cell)));

/**
 * Decides which `add` cells stay adds. The rule (README, "Putting accounts on several keys"):
 *
 * - Without a spread, every chosen account goes on every chosen key that can hold it, except a HOTP
 *   account, which goes on ONE key only (unless asked otherwise): each copy counts its own codes, so
 *   a code used from one leaves the others behind. Its key is one that already holds it, else the
 *   first chosen key (in the user's order) that can. Room is not checked here: a key that would
 *   overflow makes the plan say it does not fit, and nothing is written.
 * - With a spread of N copies, accounts are taken in the user's order; each is counted as placed on
 *   the keys that already hold it, then added to the chosen keys in the user's order that still have
 *   room, until it is on N keys (a HOTP account: on one). An account that finds no room anywhere is
 *   left off and named in a warning. So the first accounts get N copies, and later ones fill what
 *   room is left.
 *
 * Cells that do not stay adds become `skip`, saying why. Returns the warnings.
 */
export function placeAccounts(columns: readonly KeyColumn[], rules: PlacementRules): string[] {
  const warnings: string[] = [];
  for (const account of rules.order) {
    const onePlace = account.hotp && !rules.hotpOnSeveralKeys;
    const limit = onePlace ? 1 : (rules.spread?.copies ?? Number.POSITIVE_INFINITY);
    const placedOn = columns.filter((column) => holds(column.byAccount.get(account.id))).map((column) => column.target);
    // A sync onto a new key alone must not add a HOTP account that other keys hold already (the inventory says so).
    const elsewhere = onePlace ? (rules.heldElsewhere?.get(account.id) ?? []) : [];
    let wanted = false;
    for (const column of columns) {
      const cell = column.byAccount.get(account.id);
      if (cell?.action !== 'add') continue;
      wanted = true;
      const skip = (reason: string) => column.byAccount.set(account.id, { ...cell, action: 'skip', reason });
      if (placedOn.length === 0 && elsewhere.length > 0) {
        const where = elsewhere.map(targetLabel).join(' and ');
        if (rules.picked?.(column.target, cell.name) === true) {
          column.byAccount.set(account.id, { ...cell, chosen: true });
          placedOn.push(column.target);
          column.free -= 1;
          warnings.push(`${cell.name}: this HOTP account is already on ${where}; put on ${targetLabel(column.target)} too, the copies count their codes apart and drift with use`);
        } else {
          skip(`a HOTP account goes on one place only (each copy counts its own codes): it is already on ${where}; --choose ${column.target}:${cell.name} puts it here too`);
        }
      } else if (placedOn.length >= limit) {
        const where = placedOn.join(', ');
        skip(account.hotp && !rules.hotpOnSeveralKeys ? `a HOTP account goes on one key only (each copy counts its own codes): it is on key ${where}` : `spread: already on ${String(placedOn.length)} keys (${where})`);
      } else if (rules.spread !== undefined && column.free <= 0) {
        skip('spread: no room left on this key');
      } else {
        placedOn.push(column.target);
        column.free -= 1;
      }
    }
    if (wanted && placedOn.length === 0) {
      const name = columns.map((column) => column.byAccount.get(account.id)?.name).find((found) => found !== undefined) ?? account.id;
      warnings.push(`${name} fits on none of the chosen keys: it is left off`);
    }
  }
  return warnings;
}
