import type { SyncPlanReply, SyncProgressEvent } from '../data/sync.js';

/** One cell of a plan: an account (or a credential only the key has) on one key. */
export type PlanCell = SyncPlanReply['actions'][number];
export type KeyRoomAfter = SyncPlanReply['room'][number];

/** What a plan names a key by: its serial, and (once main gives it) the target's own id. */
interface Targeted {
  readonly key: number | string;
  readonly target?: string;
}

/**
 * A column's id: main's target id (`12345678`, `12345678/otp`: a key's OATH application or a
 * YubiKey's OTP slots) when the reply has one, else the key as text. Opaque here: compared and shown
 * as it came, never parsed.
 */
export const targetOf = (entry: Targeted): string => entry.target ?? String(entry.key);

/** One cell's identity (a key and the credential's name on it): what `choose` names, and what progress is kept by. */
export const cellId = (cell: Targeted & { readonly name: string }): string => `${targetOf(cell)}\u0000${cell.name}`;

/** A row of the table: a vault account, or a credential that is on a key only. */
export interface PlanRow {
  readonly id: string;
  readonly accountId: string | undefined;
  /** The credential's name on the key: the row's label when the account is not in the listing. */
  readonly name: string;
  /** By key id. */
  readonly cells: ReadonlyMap<string, PlanCell>;
}

/** The keys of a plan in its order (the user's): each key's room, and the keys that appear only in cells. */
export function planKeys(plan: SyncPlanReply): string[] {
  const keys = plan.room.map((room) => targetOf(room));
  for (const cell of plan.actions) if (!keys.includes(targetOf(cell))) keys.push(targetOf(cell));
  return keys;
}

/**
 * The plan as rows (accounts in the plan's order, then what only the keys hold) × keys. An account's
 * cells share a row even where its name differs per key (a rename); a key-only credential has its own.
 */
export function planRows(plan: SyncPlanReply): PlanRow[] {
  const rows = new Map<string, { id: string; accountId: string | undefined; name: string; cells: Map<string, PlanCell> }>();
  for (const cell of plan.actions) {
    const id = cell.accountId === undefined ? `name:${cell.name}` : `account:${cell.accountId}`;
    let row = rows.get(id);
    if (row === undefined) {
      row = { id, accountId: cell.accountId, name: cell.name, cells: new Map() };
      rows.set(id, row);
    }
    row.cells.set(targetOf(cell), cell);
  }
  // Vault accounts first, as planned; the credentials the vault does not hold after them.
  const all = [...rows.values()];
  return [...all.filter((row) => row.accountId !== undefined), ...all.filter((row) => row.accountId === undefined)];
}

/** A cell that is applied only when the user ticks it: a removal, a rename, an overwrite of what Latchkey did not write. */
export const needsChoice = (cell: PlanCell): boolean => cell.optIn === true;

/** Whether applying writes this cell (main's rule, model.ts willWrite), with the user's ticks in `chosen`. */
export function writesCell(cell: PlanCell, chosen: ReadonlySet<string>): boolean {
  if (!['add', 'overwrite', 'remove', 'rename'].includes(cell.action)) return false;
  return cell.optIn !== true || cell.chosen === true || chosen.has(cellId(cell));
}

/** What the table says in a cell, in a word or two; an action this page does not know is shown as main named it. */
export function actionWord(action: string): string {
  return ACTION_WORDS[action] ?? action;
}
const ACTION_WORDS: Record<string, string> = {
  add: 'Add',
  overwrite: 'Replace',
  identical: 'Same',
  'key-only': 'Key only',
  remove: 'Remove',
  rename: 'Rename',
  unsupported: 'Can’t',
  skip: 'Skip',
};

/** The reason said in full when main gave none: what each action means. */
export function actionMeaning(cell: PlanCell): string {
  if (cell.reason !== undefined && cell.reason !== '') return cell.reason;
  switch (cell.action) {
    case 'add':
      return 'the key lacks it: it is added and checked';
    case 'identical':
      return cell.compared === 'code' ? 'already on the key: the same code' : 'already on the key';
    case 'skip':
      return 'the key could hold it, but the plan puts it elsewhere';
    case 'overwrite':
      return 'the key holds this name with something else: it is replaced';
    case 'rename':
      return cell.from === undefined ? 'renamed on the key' : `renamed on the key from ${cell.from}`;
    default:
      return actionWord(cell.action);
  }
}

/** Room after the plan, in words: "16 of 32 used, 16 free" (a Nitrokey 3 planned without its PIN: at least / at most). */
export function roomText(room: KeyRoomAfter): string {
  const free = Math.max(0, room.capacity - room.after);
  if (room.hiddenByPin === true) return `at least ${String(room.after)} of ${String(room.capacity)} used, at most ${String(free)} free`;
  if (room.after > room.capacity) return `${String(room.after)} of ${String(room.capacity)}: ${String(room.after - room.capacity)} too many`;
  return `${String(room.after)} of ${String(room.capacity)} used, ${String(free)} free`;
}

export type CellProgress = 'pending' | 'writing' | 'written';

/**
 * Where an apply is, cell by cell, from main's op.progress events: each names the key and account
 * of the credential it starts (apply.ts); a cell started before another is written (each is checked
 * before the next starts). Touch prompts repeat the cell they are about.
 */
export class ApplyTracker {
  private readonly order: PlanCell[];
  private readonly states = new Map<string, CellProgress>();

  constructor(cells: readonly PlanCell[]) {
    this.order = [...cells];
    for (const cell of cells) this.states.set(cellId(cell), 'pending');
  }

  /** The cell an event is about: by key and account, else by its name in the stage ("Adding NAME on key K"). */
  private find(event: SyncProgressEvent): PlanCell | undefined {
    if (event.key === undefined) return undefined;
    const onKey = this.order.filter((cell) => targetOf(cell) === event.key);
    if (event.accountId !== undefined) {
      const byAccount = onKey.find((cell) => cell.accountId === event.accountId);
      if (byAccount !== undefined) return byAccount;
    }
    return onKey.find((cell) => event.stage.includes(` ${cell.name} on key `));
  }

  /** Takes one event; true when it changed a cell's state. */
  take(event: SyncProgressEvent): boolean {
    const cell = this.find(event);
    if (cell === undefined || this.states.get(cellId(cell)) !== 'pending') return false;
    for (const [id, state] of this.states) if (state === 'writing') this.states.set(id, 'written');
    this.states.set(cellId(cell), 'writing');
    return true;
  }

  /** The apply ended well: main re-planned and wrote everything the plan still lacked, so every cell is on its key. */
  finish(): void {
    for (const id of this.states.keys()) this.states.set(id, 'written');
  }

  state(cell: PlanCell): CellProgress | undefined {
    return this.states.get(cellId(cell));
  }

  /** The cells in plan order with their state. */
  cells(): { cell: PlanCell; state: CellProgress }[] {
    return this.order.map((cell) => ({ cell, state: this.states.get(cellId(cell)) ?? 'pending' }));
  }

  /** Written of all, for one key (or all keys). */
  count(key?: string): { written: number; total: number } {
    const cells = this.cells().filter((entry) => key === undefined || targetOf(entry.cell) === key);
    return { written: cells.filter((entry) => entry.state === 'written').length, total: cells.length };
  }
}
