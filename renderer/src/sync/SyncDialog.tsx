import { useMemo, useRef, useState } from 'react';
import type { PanelProps } from '../app/panel-props.js';
import { accountListing } from '../data/accounts.js';
import { runMutation, useMutation, useQuery, type DataError } from '../data/hooks.js';
import { keyList } from '../data/keys.js';
import { newOpId } from '../data/operation.js';
import { applySync, followOperation, planSync, type SyncApplyReply, type SyncPlanReply, type SyncSelection } from '../data/sync.js';
import { cancelOperation } from '../data/vault.js';
import { Dialog } from '../ui/Dialog.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { Progress } from '../ui/Progress.js';
import { PasswordAgain } from '../vault-settings/PasswordAgain.js';
import { ChooseAccounts, matchingAccounts } from './ChooseAccounts.js';
import { ChooseKeys, syncTargets, type SyncTarget } from './ChooseKeys.js';
import { ApplyProgress, SyncReport } from './SyncReport.js';
import { cellId, targetOf, writesCell, ApplyTracker } from './plan-table.js';
import { PlanChoices, PlanReasons, PlanRoom, PlanTable } from './PlanTable.js';
import { SpreadProposal } from './SpreadProposal.js';
import { syncError } from './sync-errors.js';
import './sync.css';

/** Where the panel is: choosing, looking at a plan, writing, or after the writing ended (well or not). */
type Stage = { readonly name: 'choose' } | { readonly name: 'plan' } | { readonly name: 'applying' } | { readonly name: 'ended'; readonly reply?: SyncApplyReply; readonly error?: DataError };

/**
 * The sync panel (issue 18, item 2): accounts onto keys through one plan, shown as a table before
 * anything is written; applied with progress per key and account, Cancel, and after an unplug or a
 * cancel a report of what was and wasn't written, with Resume (main's sync-progress record).
 */
export function SyncDialog({ close }: PanelProps) {
  const accounts = useQuery(accountListing, undefined).data?.accounts ?? [];
  const keys = useQuery(keyList, undefined);
  const targets = useMemo(() => syncTargets(keys.data?.keys ?? []), [keys.data]);
  // The keys as listed when the plan was made: a key unplugged since keeps its name in the plan and the report.
  const [plannedTargets, setPlannedTargets] = useState<readonly SyncTarget[]>([]);
  const named = useMemo(() => [...targets, ...plannedTargets.filter((old) => !targets.some((now) => now.id === old.id))], [targets, plannedTargets]);

  const [search, setSearch] = useState('');
  const [tag, setTag] = useState<string | undefined>();
  const [untickedAccounts, setUntickedAccounts] = useState<Set<string>>(new Set());
  // Ticked or unticked by the user, by target id; the others as the target says (syncTargets' byDefault).
  const [keyTicks, setKeyTicks] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [spread, setSpread] = useState<number | undefined>();
  const [plan, setPlan] = useState<SyncPlanReply | undefined>();
  // The request the plan shown was made for.
  const [planned, setPlanned] = useState<SyncSelection | undefined>();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [stage, setStage] = useState<Stage>({ name: 'choose' });
  const [tracker, setTracker] = useState<ApplyTracker | undefined>();
  const [stageText, setStageText] = useState('');
  // Bumped on every progress event: the tracker is mutable, the table re-renders from it.
  const [, setTick] = useState(0);
  const running = useRef<string | undefined>(undefined);
  const mutations = useMutation();

  const accountIds = matchingAccounts(accounts, search, tag)
    .filter((account) => !untickedAccounts.has(account.id))
    .map((account) => account.id);
  const chosenKeys = targets.filter((target) => keyTicks.get(target.id) ?? target.byDefault);
  const chosenKeyIds = new Set(chosenKeys.map((target) => target.id));

  /** The accounts and keys as chosen now, in the user's order, and the spread. */
  function selection(withSpread: number | undefined): SyncSelection {
    return { accountIds, keys: chosenKeys.map((target) => target.id), ...(withSpread === undefined ? {} : { spread: withSpread }) };
  }

  /**
   * What the apply sends: the selection the plan was made for (kept, so a key unplugged meanwhile
   * and gone from the list is still asked for on Resume, and said missing if it is), and the ticked extras.
   */
  function applied(): SyncSelection {
    const choose = (plan?.actions ?? []).filter((cell) => cell.optIn === true && chosen.has(cellId(cell))).map((cell) => ({ key: targetOf(cell), name: cell.name }));
    return { ...planned, ...(choose.length === 0 ? {} : { choose }) };
  }

  async function makePlan(withSpread = spread) {
    setSpread(withSpread);
    const opId = newOpId();
    const request = planned !== undefined && stage.name !== 'choose' ? { ...planned, ...(withSpread === undefined ? {} : { spread: withSpread }) } : selection(withSpread);
    if (withSpread === undefined) delete request.spread;
    const result = await mutations.run(planSync, { ...request, opId });
    if (!result.ok) return;
    setPlanned(request);
    setPlannedTargets(named);
    setPlan(result.value);
    setChosen(new Set());
    setTracker(undefined);
    setStage({ name: 'plan' });
  }

  async function apply(vaultPassword: string) {
    if (plan === undefined) return;
    const before = stage;
    const resuming = tracker !== undefined;
    const opId = newOpId();
    const follow = tracker ?? new ApplyTracker(plan.actions.filter((cell) => writesCell(cell, chosen)));
    setTracker(follow);
    setStageText('Checking the vault password…');
    setStage({ name: 'applying' });
    running.current = opId;
    const stop = followOperation(opId, (event) => {
      setStageText(event.needsTouch === true ? `${event.stage} (it blinks)` : event.stage);
      if (follow.take(event)) setTick((tick) => tick + 1);
    });
    try {
      const result = await mutations.run(applySync, { ...applied(), opId, vaultPassword });
      if (result.ok) {
        follow.finish();
        setStage({ name: 'ended', reply: result.value });
      } else if (result.error.code === 'VAULT_WRONG_PASSWORD' || result.error.code === 'VAULT_TOO_MANY_ATTEMPTS') {
        // Nothing was written: back where the user was (the plan, or the report), the error said there.
        if (!resuming) setTracker(undefined);
        setStage(before);
      } else {
        setStage({ name: 'ended', error: result.error });
      }
    } finally {
      stop();
      running.current = undefined;
    }
  }

  function cancel() {
    if (running.current !== undefined) void runMutation(cancelOperation, running.current);
  }

  function startOver() {
    setPlan(undefined);
    setTracker(undefined);
    setStage({ name: 'choose' });
    mutations.clearError();
  }

  const toWrite = plan === undefined ? 0 : plan.actions.filter((cell) => writesCell(cell, chosen)).length;
  return (
    <Dialog title="Sync accounts to keys" onClose={close} wide>
      {stage.name === 'choose' && (
        <form
          className="stack wide"
          onSubmit={(event) => {
            event.preventDefault();
            void makePlan();
          }}
        >
          <p className="hint">Latchkey shows what it would put on each key first; nothing is written until you confirm with your vault password.</p>
          <ChooseAccounts
            accounts={accounts}
            unticked={untickedAccounts}
            onUntickedChange={setUntickedAccounts}
            search={search}
            onSearchChange={setSearch}
            tag={tag}
            onTagChange={setTag}
          />
          <ChooseKeys
            targets={targets}
            loading={keys.loading}
            error={keys.error}
            chosen={chosenKeyIds}
            onChosenChange={(next) => {
              setKeyTicks(new Map(targets.map((target) => [target.id, next.has(target.id)])));
            }}
            onLookAgain={keys.refresh}
          />
          <div className="row">
            <button type="submit" className="primary" disabled={mutations.busy || accountIds.length === 0 || chosenKeys.length === 0}>
              Show the plan
            </button>
          </div>
          {mutations.busy && <Progress>Reading the keys…</Progress>}
          <ErrorAlert error={syncError(mutations.error)} />
        </form>
      )}
      {stage.name !== 'choose' && plan !== undefined && (
        <div className="stack wide" data-testid="sync-plan">
          <PlanRoom plan={plan} targets={named} />
          {plan.warnings.length > 0 && (
            <ul className="sync-warnings" aria-label="Warnings">
              {plan.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          )}
          {stage.name === 'applying' && tracker !== undefined && <ApplyProgress tracker={tracker} targets={named} stage={stageText} onCancel={cancel} />}
          {stage.name === 'ended' && tracker !== undefined && (
            <SyncReport
              tracker={tracker}
              targets={named}
              accounts={accounts}
              {...(stage.reply === undefined ? {} : { reply: stage.reply })}
              {...(stage.error === undefined ? {} : { error: stage.error })}
              {...(mutations.error !== undefined && mutations.error !== stage.error ? { retryError: mutations.error } : {})}
              busy={mutations.busy}
              onResume={apply}
              onPlanAgain={() => void makePlan()}
              onClose={close}
            />
          )}
          {stage.name === 'plan' && <SpreadProposal plan={plan} keyCount={chosenKeys.length} spread={spread} busy={mutations.busy} onSpread={(copies) => void makePlan(copies)} />}
          <PlanTable plan={plan} accounts={accounts} targets={named} chosen={chosen} tracker={tracker} />
          <PlanReasons plan={plan} accounts={accounts} targets={named} />
          {stage.name === 'plan' && <PlanChoices plan={plan} accounts={accounts} targets={named} chosen={chosen} onChosenChange={setChosen} />}
          {stage.name === 'plan' && (
            <>
              {toWrite === 0 ? (
                <p role="status" className="hint" data-testid="sync-nothing">
                  Nothing to write: every chosen account is already where the plan puts it.
                </p>
              ) : plan.fits ? (
                <PasswordAgain action={`Write ${String(toWrite)} to the keys`} busy={mutations.busy} onConfirm={apply} testId="sync-apply">
                  <p className="hint">Each account is written, then checked: its code on the key against the vault’s.</p>
                </PasswordAgain>
              ) : null}
              <ErrorAlert error={syncError(mutations.error)} />
              <div className="row">
                <button type="button" onClick={startOver}>
                  Change the choice
                </button>
              </div>
            </>
          )}
        </div>
      )}
    </Dialog>
  );
}
