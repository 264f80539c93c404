/** A form's submit button, and Cancel when the form can be left without saving. */
export function FormActions({ busy, testId, submitLabel, onCancel, className }: { busy: boolean; testId: string; submitLabel: string; onCancel?: (() => void) | undefined; className?: string }) {
  return (
    <div class={className}>
      <button class="button button--primary" disabled={busy} data-testid={`${testId}-save`}>
        {submitLabel}
      </button>
      {onCancel && (
        <button type="button" class="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
