// Below a form: the errors no field of it shows (whole-model problems, conflicts), and the success message.
import type { FormSubmit } from './use-form-submit.ts';

export function FormOutcome({ form, shown, testId }: { form: FormSubmit; shown: (field: string) => boolean; testId: string }) {
  const other = form.errors.filter((e) => !shown(e.field));
  return (
    <>
      {other.length > 0 && (
        <div class="result result--error" role="alert" data-testid={`${testId}-error`}>
          {other.map((e, i) => (
            <p key={i}>{e.field.startsWith('(') ? e.message : `${e.field}: ${e.message}`}</p>
          ))}
        </div>
      )}
      {form.message && (
        <p class="result result--ok" role="status">
          {form.message}
        </p>
      )}
    </>
  );
}
