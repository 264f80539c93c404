// What the station answered to a command, or why it could not be asked.
export type CommandResult = { ok: true; label: string; status: string } | { ok: false; label: string; message: string };

export function CommandResultLine({ result }: { result: CommandResult | null }) {
  if (!result) return null;
  return result.ok ? (
    <p class={`result ${result.status === 'accepted' || result.status === 'unlocked' ? 'result--ok' : 'result--warn'}`} data-testid="command-result" role="status">
      {result.label}: station answered <strong>{result.status}</strong>
    </p>
  ) : (
    <p class="result result--error" data-testid="command-result" role="alert">
      {result.label} failed: {result.message}
    </p>
  );
}
