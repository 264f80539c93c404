// The state of a form that saves through the API: busy, the API's field-level errors, a success message.
import { useState } from 'preact/hooks';
import { ApiError, describeError, type FieldError } from './api.ts';
import { fieldError } from './form-field.tsx';

export interface FormSubmit {
  busy: boolean;
  errors: FieldError[];
  message: string | null;
  /** The API's message for a field (names as the API gives them, e.g. `schedule.0.from`). */
  err(name: string): string | undefined;
  /** Runs `work`; true when it succeeded (then `done` is shown), false with the errors kept. */
  submit(work: () => Promise<unknown>, done?: string): Promise<boolean>;
  clear(): void;
}

export function useFormSubmit(): FormSubmit {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  const submit = async (work: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setErrors([]);
    setMessage(null);
    try {
      await work();
      setMessage(done ?? null);
      return true;
    } catch (error) {
      setErrors(error instanceof ApiError && error.fields.length > 0 ? error.fields : [{ field: '(form)', message: describeError(error) }]);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const clear = () => {
    setErrors([]);
    setMessage(null);
  };
  return { busy, errors, message, err: (name) => fieldError(errors, name), submit, clear };
}
