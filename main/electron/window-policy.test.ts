import { describe, expect, it } from 'vitest';
import { guardDevTools, hardenSession, type DevToolsContents, type PermissionSession } from './session-policy.js';
import { devToolsAllowed, secureWindowOptions } from './window-policy.js';

describe('DevTools policy (without Electron)', () => {
  it.each([
    ['packaged, asked for', true, { LATCHKEY_DEVTOOLS: '1' }, false],
    ['packaged, not asked', true, {}, false],
    ['development, asked for', false, { LATCHKEY_DEVTOOLS: '1' }, true],
    ['development, not asked', false, {}, false],
    ['development, another value', false, { LATCHKEY_DEVTOOLS: 'true' }, false],
  ])('%s → %s', (_name, isPackaged, env, allowed) => {
    expect(devToolsAllowed(isPackaged, env)).toBe(allowed);
  });

  it('puts the decision into webPreferences, off by default', () => {
    expect(secureWindowOptions('/x/preload.cjs').webPreferences?.devTools).toBe(false);
    expect(secureWindowOptions('/x/preload.cjs', { devTools: devToolsAllowed(true, { LATCHKEY_DEVTOOLS: '1' }) }).webPreferences?.devTools).toBe(false);
    expect(secureWindowOptions('/x/preload.cjs', { devTools: devToolsAllowed(false, { LATCHKEY_DEVTOOLS: '1' }) }).webPreferences?.devTools).toBe(true);
  });

  function fakeContents(): DevToolsContents & { fire(): void; closed: number; listeners: number } {
    const listeners: (() => void)[] = [];
    const contents = {
      closed: 0,
      get listeners() {
        return listeners.length;
      },
      on(_event: 'devtools-opened', listener: () => void) {
        listeners.push(listener);
        return contents;
      },
      closeDevTools() {
        contents.closed++;
      },
      fire() {
        for (const listener of listeners) listener();
      },
    };
    return contents;
  }

  it('closes DevTools as soon as they open in a packaged build', () => {
    const contents = fakeContents();
    guardDevTools(contents, true);
    contents.fire();
    expect(contents.closed).toBe(1);
  });

  it('leaves them alone in a development run', () => {
    const contents = fakeContents();
    guardDevTools(contents, false);
    contents.fire();
    expect(contents.listeners).toBe(0);
    expect(contents.closed).toBe(0);
  });
});

describe('session policy (without Electron)', () => {
  function fakeSession() {
    const handlers: {
      request?: Parameters<PermissionSession['setPermissionRequestHandler']>[0];
      check?: Parameters<PermissionSession['setPermissionCheckHandler']>[0];
      device?: Parameters<PermissionSession['setDevicePermissionHandler']>[0];
      download?: Parameters<PermissionSession['on']>[1];
    } = {};
    const session: PermissionSession = {
      setPermissionRequestHandler: (handler) => (handlers.request = handler),
      setPermissionCheckHandler: (handler) => (handlers.check = handler),
      setDevicePermissionHandler: (handler) => (handlers.device = handler),
      on: (_event, listener) => (handlers.download = listener),
    };
    hardenSession(session);
    return handlers;
  }

  it.each(['media', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'hid', 'usb', 'serial', 'geolocation', 'openExternal', 'fullscreen'])(
    'denies a request for and a check of %s',
    (permission) => {
      const { request, check } = fakeSession();
      const answers: boolean[] = [];
      request?.({}, permission, (granted) => answers.push(granted));
      expect(answers).toEqual([false]);
      expect(check?.({}, permission)).toBe(false);
    },
  );

  it('hands no device to the page (hardware keys are reached from main)', () => {
    const { device } = fakeSession();
    for (const deviceType of ['hid', 'usb', 'serial', 'bluetooth']) expect(device?.({ deviceType, origin: 'app://latchkey' })).toBe(false);
  });

  it('refuses every download', () => {
    const { download } = fakeSession();
    let prevented = 0;
    download?.({ preventDefault: () => prevented++ });
    expect(prevented).toBe(1);
  });

  it('installs every handler', () => {
    const handlers = fakeSession();
    expect(Object.keys(handlers).sort()).toEqual(['check', 'device', 'download', 'request']);
  });
});
