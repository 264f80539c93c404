// A secret the API shows only once (an API token, a webhook's signing secret, a station password), with a copy button.
import { useState } from 'preact/hooks';

export function SecretOnce({ label, secret, testId, onDone }: { label: string; secret: string; testId: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard?.writeText(secret).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <div class="secret-once" role="status" data-testid={testId}>
      <p>
        <strong>{label}</strong> It is shown only now: copy it and keep it safe.
      </p>
      <div class="secret-once__value">
        <code class="mono" data-testid={`${testId}-value`}>
          {secret}
        </code>
        <button type="button" class="button" onClick={() => void copy()} data-testid={`${testId}-copy`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="button button--quiet" onClick={onDone} data-testid={`${testId}-done`}>
          Done
        </button>
      </div>
    </div>
  );
}
