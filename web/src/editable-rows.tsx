// A list of editable rows (schedule windows, departures, EVSEs) with add and remove buttons.
import type { ComponentChildren } from 'preact';

export interface EditableRowsProps<T> {
  rows: T[];
  onChange(rows: T[]): void;
  blank(): T;
  addLabel: string;
  testId: string;
  children(row: T, update: (changes: Partial<T>) => void, index: number): ComponentChildren;
}

export function EditableRows<T>({ rows, onChange, blank, addLabel, testId, children }: EditableRowsProps<T>) {
  const update = (index: number) => (changes: Partial<T>) => onChange(rows.map((r, i) => (i === index ? { ...r, ...changes } : r)));
  return (
    <div class="editable-rows" data-testid={testId}>
      {rows.map((row, index) => (
        <div class="editable-rows__row" key={index}>
          {children(row, update(index), index)}
          <button type="button" class="button button--quiet" onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" class="button" onClick={() => onChange([...rows, blank()])} data-testid={`${testId}-add`}>
        {addLabel}
      </button>
    </div>
  );
}
