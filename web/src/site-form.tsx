// The frame of the load-management and vehicle forms: title, fields, the errors no field shows, save and cancel.
import type { ComponentChildren } from 'preact';
import { FormOutcome } from './form-outcome.tsx';
import type { FormSubmit } from './use-form-submit.ts';
import { FormActions } from './form-actions.tsx';

export interface SiteFormProps {
  form: FormSubmit;
  /** Whether a field of this form shows the API's error for `field` (the others are listed below the fields). */
  shown(field: string): boolean;
  testId: string;
  title?: string;
  submitLabel: string;
  inline?: boolean;
  onSubmit(): void;
  onCancel?(): void;
  children: ComponentChildren;
}

export function SiteForm({ form, shown, testId, title, submitLabel, inline, onSubmit, onCancel, children }: SiteFormProps) {
  return (
    <form
      class={inline ? 'site-form site-form--inline' : 'site-form'}
      noValidate
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {title && <h3>{title}</h3>}
      {children}
      <FormOutcome form={form} shown={shown} testId={testId} />
      <FormActions className="site-form__actions" busy={form.busy} testId={testId} submitLabel={submitLabel} onCancel={onCancel} />
    </form>
  );
}
