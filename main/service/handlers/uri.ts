import { formatOtpauthUri, parseOtpauthUri } from '../../enroll/index.js';
import { accountDraftFromInput, accountDraftView } from '../account-input.js';
import type { HandlersFor } from '../handler-types.js';

export function uriHandlers(): HandlersFor<'uri.parse' | 'uri.format'> {
  return {
    'uri.parse': ({ uri, showSecrets }) => {
      const { draft, warnings } = parseOtpauthUri(uri);
      return { account: accountDraftView(draft, showSecrets), warnings: [...warnings] };
    },
    'uri.format': ({ account, steamStyle }) => ({ uri: formatOtpauthUri(accountDraftFromInput(account), steamStyle) }),
  };
}
