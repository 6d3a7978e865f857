import { describe, expect, it } from 'vitest';
import type { SyncPlanReply } from '../data/sync.js';
import { ApplyTracker, cellId, planKeys, planRows, roomText, writesCell, type KeyRoomAfter, type PlanCell } from './plan-table.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

/** A cell as main sends it; `target` only where a test says (main's replies gain it with the OTP-slot targets). */
const cell = (fields: { key: number; action: string; name: string; accountId?: string; target?: string; optIn?: boolean; chosen?: boolean; reason?: string }): PlanCell => fields as unknown as PlanCell;
const room = (fields: { key: number; capacity: number; held: number; after: number; fits: boolean; hiddenByPin?: boolean; target?: string }): KeyRoomAfter => fields as unknown as KeyRoomAfter;

function planOf(actions: PlanCell[], rooms: KeyRoomAfter[]): SyncPlanReply {
  return { actions, room: rooms, fits: rooms.every((entry) => entry.fits), warnings: [] };
}

describe('the plan as a table', () => {
  const plan = planOf(
    [
      cell({ key: 111, action: 'add', name: 'GitHub:alice', accountId: A }),
      cell({ key: 111, action: 'key-only', name: 'Outside:bob' }),
      cell({ key: 222, action: 'identical', name: 'GitHub:alice', accountId: A }),
      cell({ key: 222, action: 'rename', name: 'Mail:new', accountId: B, optIn: true }),
      cell({ key: 111, action: 'skip', name: 'Mail:new', accountId: B }),
    ],
    [room({ key: 111, capacity: 32, held: 1, after: 2, fits: true }), room({ key: 222, capacity: 50, held: 2, after: 2, fits: true })],
  );

  it('has one row per vault account (its cells by key, in the plan’s order), then the credentials only a key holds', () => {
    const rows = planRows(plan);
    expect(rows.map((row) => [row.accountId ?? row.name, [...row.cells.keys()]])).toEqual([
      [A, ['111', '222']],
      [B, ['222', '111']],
      ['Outside:bob', ['111']],
    ]);
    expect(rows[1]?.cells.get('222')?.action).toBe('rename');
    expect(planKeys(plan)).toEqual(['111', '222']);
  });

  it('writes adds at once, and a proposed rename only once ticked', () => {
    const [add, keyOnly, identical, rename] = plan.actions;
    if (add === undefined || keyOnly === undefined || identical === undefined || rename === undefined) throw new Error('four cells');
    expect([add, keyOnly, identical, rename].map((entry) => writesCell(entry, new Set()))).toEqual([true, false, false, false]);
    expect(writesCell(rename, new Set([cellId(rename)]))).toBe(true);
    // A cell main already marks chosen (chosen in the request) writes without a tick here.
    expect(writesCell({ ...rename, chosen: true }, new Set())).toBe(true);
  });

  it('keys a column by main’s target id when the reply has one, as opaque text', () => {
    const slots = planOf([cell({ key: 111, target: '111/otp', action: 'add', name: 'Bank:hotp', accountId: A }), cell({ key: 111, target: '111', action: 'skip', name: 'Bank:hotp', accountId: A })], [
      room({ key: 111, target: '111/otp', capacity: 2, held: 0, after: 1, fits: true }),
      room({ key: 111, target: '111', capacity: 32, held: 0, after: 0, fits: true }),
    ]);
    expect(planKeys(slots)).toEqual(['111/otp', '111']);
    expect([...(planRows(slots)[0]?.cells.keys() ?? [])]).toEqual(['111/otp', '111']);
  });

  it('says the room after the plan: used and free, too many, or at least / at most for a Nitrokey 3 without its PIN', () => {
    expect(roomText(room({ key: 1, capacity: 32, held: 4, after: 10, fits: true }))).toBe('10 of 32 used, 22 free');
    expect(roomText(room({ key: 1, capacity: 32, held: 30, after: 40, fits: false }))).toBe('40 of 32: 8 too many');
    expect(roomText(room({ key: 1, capacity: 50, held: 3, after: 5, fits: true, hiddenByPin: true }))).toBe('at least 5 of 50 used, at most 45 free');
  });
});

describe('progress from main’s op.progress events', () => {
  const adds = [cell({ key: 111, action: 'add', name: 'GitHub:alice', accountId: A }), cell({ key: 222, action: 'add', name: 'GitHub:alice', accountId: A }), cell({ key: 222, action: 'add', name: 'Mail:me', accountId: B })];
  const event = (key: string, stage: string, accountId?: string) => ({ opId: 'op', stage, key, ...(accountId === undefined ? {} : { accountId }) });

  it('marks a cell writing when main starts it, and written when the next one starts; a touch prompt repeats and changes nothing', () => {
    const tracker = new ApplyTracker(adds);
    expect(tracker.take(event('111', 'Adding GitHub:alice on key 111', A))).toBe(true);
    expect(tracker.take({ ...event('111', 'Touch key 111 to add GitHub:alice', A), needsTouch: true })).toBe(false);
    expect(tracker.take(event('222', 'Adding GitHub:alice on key 222', A))).toBe(true);
    expect(tracker.cells().map((entry) => entry.state)).toEqual(['written', 'writing', 'pending']);
    expect(tracker.count('222')).toEqual({ written: 0, total: 2 });
    expect(tracker.count()).toEqual({ written: 1, total: 3 });
  });

  it('finds a cell without an account by its name in the stage, and ignores events of no cell', () => {
    const removal = cell({ key: 111, action: 'remove', name: 'Old:gone' });
    const tracker = new ApplyTracker([removal]);
    expect(tracker.take({ opId: 'op', stage: 'Checking the vault password…' })).toBe(false);
    expect(tracker.take(event('111', 'Removing Old:gone on key 111'))).toBe(true);
    expect(tracker.state(removal)).toBe('writing');
  });

  it('after a stop, a resumed apply goes on from the cut-short cell; a finished apply has every cell written', () => {
    const tracker = new ApplyTracker(adds);
    tracker.take(event('111', 'Adding GitHub:alice on key 111', A));
    tracker.take(event('222', 'Adding GitHub:alice on key 222', A));
    // Unplugged here. The resume re-plans: the cut-short cell was whole, so main starts with the last one.
    tracker.take(event('222', 'Adding Mail:me on key 222', B));
    expect(tracker.cells().map((entry) => entry.state)).toEqual(['written', 'written', 'writing']);
    tracker.finish();
    expect(tracker.count()).toEqual({ written: 3, total: 3 });
  });
});
