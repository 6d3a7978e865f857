import type { AccountMeta } from '../../shared/account.js';
import type { AccountView } from '../../shared/vault-api.js';
import type { OtpCode } from '../otp/index.js';

export function accountView(meta: AccountMeta, code: OtpCode | undefined): AccountView {
  return {
    id: meta.id,
    type: meta.type,
    issuer: meta.issuer,
    label: meta.label,
    algorithm: meta.algorithm,
    digits: meta.digits,
    ...(meta.type === 'hotp' ? { counter: meta.counter.toString() } : { period: meta.period }),
    tags: [...meta.tags],
    ...(meta.icon === undefined ? {} : { icon: meta.icon }),
    code: code?.code ?? null,
    validFrom: code?.validFrom ?? null,
    validUntil: code?.validUntil ?? null,
  };
}
