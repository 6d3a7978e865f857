import type { DesktopIntegration } from '../desktop/desktop-integration.js';
import type { HandlersFor } from '../handler-types.js';

type DesktopChannel = 'desktop.get' | 'desktop.set' | 'desktop.quick.copy' | 'desktop.quick.type' | 'desktop.quick.hide' | 'desktop.openMain';

export function desktopHandlers(integration: DesktopIntegration): HandlersFor<DesktopChannel> {
  return {
    'desktop.get': () => integration.state(),
    'desktop.set': (patch) => integration.update(patch),
    'desktop.quick.copy': ({ id }) => integration.quickCopy(id),
    'desktop.quick.type': async ({ id }) => {
      await integration.quickType(id);
      return {};
    },
    'desktop.quick.hide': () => {
      integration.hideQuick();
      return {};
    },
    'desktop.openMain': () => {
      integration.openMain();
      return {};
    },
  };
}
