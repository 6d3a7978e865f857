import { useState, type ChangeEvent, type InputHTMLAttributes, type SyntheticEvent } from 'react';
import { addAccount } from '../data/accounts.js';
import { runMutation } from '../data/hooks.js';

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

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'value' | 'onChange'>;

/** A labelled text input with its message under it, tied to it by aria-describedby. */
function TextField({ label, name, value, onChange, error, ...input }: { label: string; name: FieldName; value: string; onChange: (event: ChangeEvent<HTMLInputElement>) => void; error: string | undefined } & InputProps) {
  const errorId = `error-${name}`;
  return (
    <div className="field">
      <label>
        {label}
        <input type="text" value={value} onChange={onChange} aria-invalid={error !== undefined} aria-describedby={error === undefined ? undefined : errorId} {...input} />
      </label>
      {error !== undefined && (
        <span className="field-error" id={errorId} role="alert">
          {error}
        </span>
      )}
    </div>
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

  async function submit(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const found = localErrors(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid();
      return;
    }
    const type = form.type as 'totp' | 'hotp' | 'steam';
    const added = await runMutation(addAccount, {
      account: {
        type,
        issuer: form.issuer.trim(),
        label: form.label.trim(),
        secretBase32: form.secret.replace(/[\s-]/g, '').toUpperCase(),
        ...(type === 'steam' ? {} : { algorithm: form.algorithm, digits: Number(form.digits) }),
        ...(type === 'hotp' ? { counter: form.counter } : { period: Number(form.period) }),
      },
    });
    if (added.ok) {
      const { account } = added.value;
      onAdded(`Added ${account.issuer === '' ? account.label : account.issuer}.`);
      return;
    }
    const { field, text } = added.error;
    // The fields that have a message slot; anything else is said under the form.
    const known: readonly string[] = ['issuer', 'label', 'secret', 'digits', 'period', 'counter'];
    setErrors(field !== undefined && known.includes(field) ? { [field]: text } : { form: text });
    focusFirstInvalid();
  }

  return (
    <form className="stack wide manual" noValidate onSubmit={(event) => void submit(event)}>
      <TextField label="Service" name="issuer" value={form.issuer} onChange={set('issuer')} error={errors.issuer} placeholder="e.g. GitHub" autoFocus />
      <TextField label="Account" name="label" value={form.label} onChange={set('label')} error={errors.label} placeholder="e.g. you@example.com" />
      <TextField label="Secret key" name="secret" value={form.secret} onChange={set('secret')} error={errors.secret} spellCheck={false} autoComplete="off" placeholder="JBSW Y3DP EHPK 3PXP" className="mono" />
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
          <TextField label="Digits" name="digits" value={form.digits} onChange={set('digits')} error={errors.digits} inputMode="numeric" />
        )}
        {form.type === 'hotp' ? (
          <TextField label="Counter" name="counter" value={form.counter} onChange={set('counter')} error={errors.counter} inputMode="numeric" />
        ) : (
          <TextField label="Period (seconds)" name="period" value={form.period} onChange={set('period')} error={errors.period} inputMode="numeric" />
        )}
      </div>
      {errors.form !== undefined && <p role="alert" className="error">{errors.form}</p>}
      <button type="submit" className="primary">
        Add this account
      </button>
    </form>
  );
}
