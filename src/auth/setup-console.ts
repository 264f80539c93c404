import type { FirstRunSetup } from './setup.ts';

/**
 * Shows the one-time setup code on the console (stdout, not the log) while the appliance has no users, and
 * repeats a reminder line until someone uses it (or creates a user with `ampyard users add`).
 */
export function announceSetupCode(setup: FirstRunSetup, uiUrl: string, write: (text: string) => void, reminderEveryMs = 60_000): () => void {
  const code = setup.currentCode();
  if (!code) return () => {};
  write(
    [
      '',
      '  First-run setup: no users yet. Open the admin UI and enter this one-time setup code:',
      '',
      `      ${code}`,
      '',
      `  (or create an admin without the UI: ampyard users add NAME --role admin)`,
      '',
    ].join('\n'),
  );
  const timer = setInterval(() => {
    const current = setup.currentCode();
    if (current) write(`Waiting for first-run setup at ${uiUrl} — setup code ${current}\n`);
    else clearInterval(timer);
  }, reminderEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
