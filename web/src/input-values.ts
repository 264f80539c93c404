// Form text to API values and back. A value that is not a number is sent as typed, so the API names the problem.

/** '' → null, '12.5' → 12.5, anything else as typed. */
export function numberOrNull(text: string): number | string | null {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** A current for all phases ('32') or per phase ('32 / 32 / 25'); '' → null. */
export function perPhaseFromText(text: string): number | number[] | string | null {
  const parts = text.split(/[\/,;]/).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 3) return parts.map((p) => (Number.isFinite(Number(p)) ? Number(p) : NaN)).some(Number.isNaN) ? text : parts.map(Number);
  return numberOrNull(text);
}

export function perPhaseText(value: number | number[] | null | undefined): string {
  if (value === null || value === undefined) return '';
  return Array.isArray(value) ? value.join(' / ') : String(value);
}

export const textOf = (value: number | null | undefined): string => (value === null || value === undefined ? '' : String(value));

/** Leaves out fields that are null (not given). */
export function given(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));
}
