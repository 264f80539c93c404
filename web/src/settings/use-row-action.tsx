// Actions on a list's rows (revoke, delete, change role): the outcome is shown once above the list, then it reloads.
import { useState } from 'preact/hooks';
import { describeError } from '../api.ts';

export function useRowAction(reload: () => void) {
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  /** `done`: the message on success; without it, the text `work` resolves to (or "Done."). */
  const run = (work: () => Promise<unknown>, done?: string) => {
    setOutcome(null);
    work().then(
      (value) => setOutcome({ ok: true, text: done ?? (typeof value === 'string' ? value : 'Done.') }),
      (error: unknown) => setOutcome({ ok: false, text: describeError(error) }),
    ).finally(reload);
  };
  const view = outcome && (
      <p class={`result ${outcome.ok ? 'result--ok' : 'result--error'}`} role={outcome.ok ? 'status' : 'alert'} data-testid="row-action-outcome">
        {outcome.text}
      </p>
    );
  return { run, view };
}
