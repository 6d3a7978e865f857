import { useState, type SyntheticEvent } from 'react';
import { describeError, errorField } from '../errors.js';
import { latchkey } from '../latchkey.js';

type FieldName = 'issuer' | 'label' | 'secret' | 'type' | 'algorithm' | 'digits' | 'period' | 'counter';
type Errors = Partial<Record<FieldName | 'form', string>>;

/** Checks a person can be told about before asking main; main's schema still has the last word. */
function localErrors(form: { label: string; issuer: string; secret: string; digits: string; period: string; counter: string; type: string }): Errors {
  const errors: Errors = {};
  if (form.issuer.trim() === '' && form.label.trim() === '') errors.label = 'Give the account a name (or a service).';
  const secret = form.secret.replace(/[\s-]/g, '');
  if (secret === '') errors.secret = 'Enter the secret key the service showed you.';
  else if (!/^[A-Za-z2-7]+=*$/.test(secret)) errors.secret = 'A secret key has only the letters A–Z and the digits 2–7.';
  if (form.type !== 'steam' && !/^\d+$/.test(form.digits)) errors.digits = 'Digits must be a whole number.';
  if (form.type !== 'hotp' && !/^\d+$/.test(form.period)) errors.period = 'The period must be a whole number of seconds.';
  if (form.type === 'hotp' && !/^\d+$/.test(form.counter)) errors.counter = 'The counter must be a whole number.';
  return errors;
}

function FieldError({ message, id }: { message: string | undefined; id: string }) {
  return message === undefined ? null : (
    <span className="field-error" id={id} role="alert">
      {message}
    </span>
  );
}

/** The manual form, with a message under the field that is wrong. */
export function ManualForm({ onAdded }: { onAdded: (message: string) => void }) {
  const [form, setForm] = useState({ issuer: '', label: '', secret: '', type: 'totp', algorithm: 'SHA1', digits: '6', period: '30', counter: '0' });
  const [errors, setErrors] = useState<Errors>({});
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) => {
    const { value } = event.target;
    setForm((current) => ({ ...current, [field]: value }));
  };
  const focusFirstInvalid = () => {
    requestAnimationFrame(() => {
      document.querySelector<HTMLElement>('form.manual [aria-invalid="true"]')?.focus();
    });
  };
  const invalid = (field: FieldName) => ({ 'aria-invalid': errors[field] !== undefined, 'aria-describedby': errors[field] === undefined ? undefined : `error-${field}` });

  async function submit(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const found = localErrors(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid();
      return;
    }
    const type = form.type as 'totp' | 'hotp' | 'steam';
    try {
      const { account } = await latchkey().call('accounts.add', {
        account: {
          type,
          issuer: form.issuer.trim(),
          label: form.label.trim(),
          secretBase32: form.secret.replace(/[\s-]/g, '').toUpperCase(),
          ...(type === 'steam' ? {} : { algorithm: form.algorithm, digits: Number(form.digits) }),
          ...(type === 'hotp' ? { counter: form.counter } : { period: Number(form.period) }),
        },
      });
      onAdded(`Added ${account.issuer === '' ? account.label : account.issuer}.`);
    } catch (caught) {
      const field = errorField(caught);
      // The fields that have a message slot; anything else is said under the form.
      const known: readonly string[] = ['issuer', 'label', 'secret', 'digits', 'period', 'counter'];
      setErrors(field !== undefined && known.includes(field) ? { [field]: describeError(caught) } : { form: describeError(caught) });
      focusFirstInvalid();
    }
  }

  return (
    <form className="stack wide manual" noValidate onSubmit={(event) => void submit(event)}>
      <div className="field">
        <label>
          Service
          <input type="text" value={form.issuer} onChange={set('issuer')} placeholder="e.g. GitHub" autoFocus {...invalid('issuer')} />
        </label>
        <FieldError id="error-issuer" message={errors.issuer} />
      </div>
      <div className="field">
        <label>
          Account
          <input type="text" value={form.label} onChange={set('label')} placeholder="e.g. you@example.com" {...invalid('label')} />
        </label>
        <FieldError id="error-label" message={errors.label} />
      </div>
      <div className="field">
        <label>
          Secret key
          <input type="text" value={form.secret} onChange={set('secret')} spellCheck={false} autoComplete="off" placeholder="JBSW Y3DP EHPK 3PXP" className="mono" {...invalid('secret')} />
        </label>
        <FieldError id="error-secret" message={errors.secret} />
      </div>
      <div className="row">
        <label>
          Type
          <select value={form.type} onChange={set('type')}>
            <option value="totp">Time-based (TOTP)</option>
            <option value="hotp">Counter-based (HOTP)</option>
            <option value="steam">Steam Guard</option>
          </select>
        </label>
        {form.type !== 'steam' && (
          <label>
            Algorithm
            <select value={form.algorithm} onChange={set('algorithm')}>
              <option>SHA1</option>
              <option>SHA256</option>
              <option>SHA512</option>
            </select>
          </label>
        )}
      </div>
      <div className="row">
        {form.type !== 'steam' && (
          <div className="field">
            <label>
              Digits
              <input type="text" inputMode="numeric" value={form.digits} onChange={set('digits')} {...invalid('digits')} />
            </label>
            <FieldError id="error-digits" message={errors.digits} />
          </div>
        )}
        {form.type === 'hotp' ? (
          <div className="field">
            <label>
              Counter
              <input type="text" inputMode="numeric" value={form.counter} onChange={set('counter')} {...invalid('counter')} />
            </label>
            <FieldError id="error-counter" message={errors.counter} />
          </div>
        ) : (
          <div className="field">
            <label>
              Period (seconds)
              <input type="text" inputMode="numeric" value={form.period} onChange={set('period')} {...invalid('period')} />
            </label>
            <FieldError id="error-period" message={errors.period} />
          </div>
        )}
      </div>
      {errors.form !== undefined && <p role="alert" className="error">{errors.form}</p>}
      <button type="submit" className="primary">
        Add this account
      </button>
    </form>
  );
}
