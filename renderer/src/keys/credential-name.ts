import type { OathCredentialView } from '../../../shared/keys-api.js';

/** How a credential on a key is named to the user: its issuer and label, as the list shows them. */
export function credentialName(credential: OathCredentialView): string {
  return credential.issuer === null ? credential.label : `${credential.issuer} ${credential.label}`;
}
