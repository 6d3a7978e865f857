import type { HandlersFor } from '../handler-types.js';
import { estimatePassword } from '../password-policy.js';

/** The strength of a password being typed: for the page's meter and the CLI's second chance. */
export function passwordHandlers(): HandlersFor<'password.estimate'> {
  return {
    'password.estimate': ({ password }) => estimatePassword(password),
  };
}
