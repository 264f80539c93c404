import type { ComponentChildren } from 'preact';
import type { FieldError } from './api.ts';

/** The server's message for `name`, if any. */
export function fieldError(errors: FieldError[], name: string): string | undefined {
  return errors.find((e) => e.field === name)?.message;
}

export interface FormFieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ComponentChildren;
}

/** A label, its input (passed as the child, with `id` and `aria-describedby` set by the caller) and its error. */
export function FormField({ id, label, error, hint, children }: FormFieldProps) {
  return (
    <div class={`field${error ? ' field--invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && !error && (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field__error" id={`${id}-error`} data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The `aria-describedby` for an input in a FormField. */
export function describedBy(id: string, error: string | undefined, hint?: string): string | undefined {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}
