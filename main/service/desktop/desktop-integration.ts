import type { Channel, ReplyOf, RequestOf } from '../../../shared/api.js';
import type { DesktopPreferences, DesktopState } from '../../../shared/desktop-api.js';
import { LatchkeyError } from '../../../shared/errors.js';
import type { EventName, EventOf } from '../../../shared/events.js';
import type { TyperChoice } from './code-typer.js';
import type { Desktop, TrayClick } from './desktop.js';
import type { DesktopPreferencesFile } from './desktop-preferences.js';
import { noteRecent, trayMenu, type TrayAccount } from './tray-menu.js';

/** Runs one of the service's own handlers (validated as any request is). */
export type ServiceCall = <C extends Channel>(channel: C, payload: RequestOf<C>) => Promise<ReplyOf<C>>;

export interface DesktopIntegrationDeps {
  /** Undefined where there is no desktop to integrate with (the Chromium fallback, the CLI): preferences still apply to the page. */
  readonly desktop: Desktop | undefined;
  readonly preferences: DesktopPreferencesFile;
  readonly call: ServiceCall;
  readonly isUnlocked: () => boolean;
  readonly emit: <E extends EventName>(name: E, payload: EventOf<E>) => void;
  /** Which typing backend this desktop has (code-typer.ts), asked when first needed. */
  readonly chooseTyper: () => Promise<TyperChoice>;
  /** Told of failures nobody waits for (a tray click's copy, the shortcut at start). */
  readonly onError: (error: unknown) => void;
}

/**
 * The app on the desktop, in plain Node: the tray menu follows the vault (locked: Unlock and Quit
 * only), its account lines copy through the service's clipboard guard, the global shortcut opens
 * quick search, and quick search copies or types a code. Everything Electron does is behind `Desktop`.
 */
export class DesktopIntegration {
  private recent: string[] = [];
  private typer: Promise<TyperChoice> | undefined;
  /** The shortcut actually held now (the preference may name one the desktop refused at start). */
  private registered: string | undefined;

  constructor(private readonly deps: DesktopIntegrationDeps) {}

  /** Applies the stored preferences and builds the tray; called once, when the app is ready. */
  start(): void {
    const { desktop } = this.deps;
    if (desktop === undefined) return;
    const preferences = this.deps.preferences.current();
    desktop.contentProtection.set(preferences.contentProtection);
    desktop.tray.onClick((click) => {
      this.trayClicked(click).catch(this.deps.onError);
    });
    desktop.onSecondInstance(() => {
      desktop.windows.showMain();
    });
    if (preferences.shortcut !== null) {
      // A shortcut taken since it was chosen is not fatal: the settings say so, and the tray still works.
      if (desktop.shortcuts.register(preferences.shortcut, () => { this.shortcutPressed(); }) === 'registered') this.registered = preferences.shortcut;
    }
    void this.refreshTray();
  }

  /** The vault locked or unlocked, or the accounts changed: the tray is rebuilt (locked: recent forgotten). */
  vaultChanged(): void {
    if (!this.deps.isUnlocked()) this.recent = [];
    void this.refreshTray();
  }

  async state(): Promise<DesktopState> {
    const { desktop } = this.deps;
    const typing = desktop === undefined ? { available: false as const, reason: 'type-the-code needs the desktop app' } : await this.typerChoice();
    return {
      preferences: this.deps.preferences.current(),
      capabilities: {
        integrated: desktop !== undefined,
        contentProtectionHonoured: desktop?.contentProtection.honoured ?? false,
        typingUnavailable: typing.available ? null : typing.reason,
      },
    };
  }

  /** desktop.set: SHORTCUT_TAKEN (nothing saved, the old shortcut kept) when the desktop holds it. */
  async update(patch: Partial<Omit<DesktopPreferences, 'shortcutAsked'>>): Promise<DesktopState> {
    const before = this.deps.preferences.current();
    const { desktop } = this.deps;
    if (patch.shortcut !== undefined && patch.shortcut !== before.shortcut) this.changeShortcut(patch.shortcut);
    const after = this.deps.preferences.update({ ...patch, ...(patch.shortcut === undefined ? {} : { shortcutAsked: true }) });
    if (desktop !== undefined) {
      if (after.contentProtection !== before.contentProtection) desktop.contentProtection.set(after.contentProtection);
      if (after.startAtLogin !== before.startAtLogin || after.startHidden !== before.startHidden) desktop.loginItem.set(after.startAtLogin, after.startHidden);
    }
    this.deps.emit('desktop.changed', {});
    void this.refreshTray();
    return this.state();
  }

  /** Quick search's Enter: the code to the clipboard (cleared as any copy is), the window gone. */
  async quickCopy(id: string): Promise<{ copied: boolean }> {
    const desktop = this.required();
    const { copied } = await this.deps.call('accounts.copyCode', { id });
    this.noteCopied(id);
    desktop.windows.hideQuick();
    return { copied };
  }

  /**
   * Quick search's Shift+Enter (opt-in): the quick window hides first, so focus is back in the window
   * the user was in, then the code is typed there. The code is made only once typing can happen.
   */
  async quickType(id: string): Promise<void> {
    const desktop = this.required();
    if (!this.deps.preferences.current().typeCode) throw new LatchkeyError('INVALID_REQUEST', 'typing codes is off: turn it on in Settings › Desktop');
    const choice = await this.typerChoice();
    if (!choice.available) throw new LatchkeyError('TYPING_UNAVAILABLE', choice.reason, { reason: choice.reason });
    desktop.windows.hideQuick();
    await desktop.windows.quickHidden();
    await choice.typer.type(await this.codeOf(id));
    this.noteCopied(id);
  }

  hideQuick(): void {
    this.required().windows.hideQuick();
  }

  openMain(): void {
    const desktop = this.required();
    desktop.windows.hideQuick();
    desktop.windows.showMain();
  }

  private async codeOf(id: string): Promise<string> {
    const { accounts } = await this.deps.call('accounts.list', {});
    const account = accounts.find((candidate) => candidate.id === id);
    if (account === undefined) throw new LatchkeyError('NOT_FOUND', 'no such account');
    if (account.code !== null) return account.code;
    // HOTP: typing uses the next code, as a copy does (the counter moves in the vault's transaction).
    const next = await this.deps.call('accounts.nextHotp', { id, peek: false });
    if (next.account.code === null) throw new LatchkeyError('INTERNAL', 'the account gave no code');
    return next.account.code;
  }

  private changeShortcut(shortcut: string | null): void {
    const desktop = this.required();
    if (shortcut !== null) {
      const outcome = desktop.shortcuts.register(shortcut, () => { this.shortcutPressed(); });
      if (outcome === 'taken') throw new LatchkeyError('SHORTCUT_TAKEN', `${shortcut} is already used by the desktop or another app; choose another`, { shortcut });
      if (outcome === 'invalid') throw new LatchkeyError('INVALID_REQUEST', `${shortcut} is not a shortcut this desktop accepts`);
    }
    if (this.registered !== undefined && this.registered !== shortcut) desktop.shortcuts.unregister(this.registered);
    this.registered = shortcut ?? undefined;
  }

  private shortcutPressed(): void {
    this.deps.desktop?.windows.showQuick();
  }

  private async trayClicked(click: TrayClick): Promise<void> {
    // The first use of the tray is when the user is asked for a shortcut (there is no default).
    const preferences = this.deps.preferences.current();
    const firstUse = !preferences.shortcutAsked && preferences.shortcut === null;
    await this.runTrayClick(click);
    if (firstUse && !(click.kind === 'action' && (click.action === 'quit' || click.action === 'choose-shortcut'))) this.askForShortcut();
  }

  private async runTrayClick(click: TrayClick): Promise<void> {
    const desktop = this.required();
    if (click.kind === 'account') {
      // Locked, no account line is shown; a click that raced the lock opens the lock screen instead.
      if (!this.deps.isUnlocked()) {
        desktop.windows.showMain();
        return;
      }
      await this.deps.call('accounts.copyCode', { id: click.id });
      this.noteCopied(click.id);
      return;
    }
    switch (click.action) {
      case 'open':
      case 'unlock':
        desktop.windows.showMain();
        return;
      case 'lock':
        await this.deps.call('vault.lock', {});
        return;
      case 'quit':
        desktop.quit();
        return;
      case 'choose-shortcut':
        this.askForShortcut();
        return;
    }
  }

  private askForShortcut(): void {
    this.deps.preferences.update({ shortcutAsked: true });
    this.required().windows.showMain();
    this.deps.emit('desktop.chooseShortcut', {});
  }

  private noteCopied(id: string): void {
    this.recent = noteRecent(this.recent, id);
    void this.refreshTray();
  }

  private async refreshTray(): Promise<void> {
    const { desktop } = this.deps;
    if (desktop === undefined) return;
    const unlocked = this.deps.isUnlocked();
    let accounts: TrayAccount[] = [];
    if (unlocked) {
      try {
        accounts = (await this.deps.call('accounts.list', {})).accounts;
      } catch (error) {
        // Locked meanwhile: the lock's own refresh draws the locked menu.
        if (!(error instanceof LatchkeyError && error.code === 'VAULT_LOCKED')) this.deps.onError(error);
        return;
      }
    }
    // The vault may have locked while the list was read: what is drawn follows the state now.
    const stillUnlocked = this.deps.isUnlocked();
    desktop.tray.setMenu(trayMenu({ unlocked: stillUnlocked, accounts: stillUnlocked ? accounts : [], recent: this.recent, shortcutChosen: this.registered !== undefined }));
  }

  private typerChoice(): Promise<TyperChoice> {
    this.typer ??= this.deps.chooseTyper();
    return this.typer;
  }

  private required(): Desktop {
    if (this.deps.desktop === undefined) throw new LatchkeyError('UNSUPPORTED', 'this window has no desktop integration (tray, shortcut, quick search)');
    return this.deps.desktop;
  }
}
