// A labelled text or number input with the API's error for it (form state is kept as text).
import { describedBy, FormField } from './form-field.tsx';

export interface InputFieldProps {
  id: string;
  label: string;
  value: string;
  onInput(value: string): void;
  error?: string;
  hint?: string;
  type?: 'text' | 'number' | 'time';
  placeholder?: string;
}

export function InputField({ id, label, value, onInput, error, hint, type = 'text', placeholder }: InputFieldProps) {
  return (
    <FormField id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        // Preact's input typings are a union per type; any of ours takes these attributes.
        type={type as 'text'}
        step={type === 'number' ? 'any' : undefined}
        value={value}
        placeholder={placeholder}
        onInput={(e) => onInput(e.currentTarget.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
      />
    </FormField>
  );
}
