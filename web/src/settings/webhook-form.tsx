// The fields of a webhook, for creating one or changing one: URL, description, event filter, secret, enabled.
import { useState } from 'preact/hooks';
import { FormOutcome } from '../form-outcome.tsx';
import { InputField } from '../input-field.tsx';
import { useFormSubmit } from '../use-form-submit.ts';
import { usePoll } from '../use-poll.ts';
import { fetchWebhookEventTypes, type WebhookForm as Values } from './settings-api.ts';
import { FormActions } from '../form-actions.tsx';

const FIELDS = ['url', 'description', 'events', 'enabled', 'secret'];

export interface WebhookFormProps {
  /** For a new webhook: empty values. */
  initial: Values;
  /** The id prefix of the inputs (one form per webhook). */
  idPrefix: string;
  submitLabel: string;
  /** Saves; a secret in the answer is shown once by the caller. */
  onSave: (values: Values) => Promise<unknown>;
  onCancel?: () => void;
}

export function WebhookForm({ initial, idPrefix, submitLabel, onSave, onCancel }: WebhookFormProps) {
  const [values, setValues] = useState<Values>(initial);
  const types = usePoll(fetchWebhookEventTypes, [], 0);
  const form = useFormSubmit();
  const set = (changes: Partial<Values>) => setValues({ ...values, ...changes });
  const all = values.events.includes('*');
  const toggle = (type: string, on: boolean) => set({ events: on ? [...values.events.filter((e) => e !== '*'), type] : values.events.filter((e) => e !== type) });
  const save = () =>
    void form.submit(async () => {
      await onSave({ ...values, url: values.url.trim(), ...(values.secret ? {} : { secret: undefined }) });
      if (!onCancel) setValues(initial);
    });
  return (
    <form
      class="webhook-form"
      data-testid={`${idPrefix}-form`}
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <div class="form-row">
        <InputField id={`${idPrefix}-url`} label="URL" value={values.url} onInput={(url) => set({ url })} error={form.err('url')} placeholder="https://erp.example/hooks/ampyard" />
        <InputField id={`${idPrefix}-description`} label="Description" value={values.description} onInput={(description) => set({ description })} error={form.err('description')} />
        <InputField id={`${idPrefix}-secret`} label="Signing secret" value={values.secret ?? ''} onInput={(secret) => set({ secret })} error={form.err('secret')} hint="Empty: keep it, or generate one for a new webhook." />
      </div>
      <fieldset class="event-filter" aria-describedby={form.err('events') ? `${idPrefix}-events-error` : undefined}>
        <legend>Events</legend>
        <label class="checkbox">
          <input type="checkbox" checked={all} onChange={(e) => set({ events: e.currentTarget.checked ? ['*'] : [] })} data-testid={`${idPrefix}-all-events`} /> All events
        </label>
        {!all &&
          types.data?.items
            .filter((t) => t.type !== 'webhook.ping')
            .map((t) => (
              <label key={t.type} class="checkbox" title={t.description}>
                <input type="checkbox" checked={values.events.includes(t.type)} onChange={(e) => toggle(t.type, e.currentTarget.checked)} /> {t.type}
              </label>
            ))}
        {form.err('events') && (
          <p class="field__error" id={`${idPrefix}-events-error`}>
            {form.err('events')}
          </p>
        )}
      </fieldset>
      <label class="checkbox">
        <input type="checkbox" checked={values.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} /> Enabled
      </label>
      <FormActions busy={form.busy} testId={idPrefix} submitLabel={submitLabel} onCancel={onCancel} />
      <FormOutcome form={form} shown={(f) => FIELDS.includes(f)} testId={`${idPrefix}-form`} />
    </form>
  );
}
