import type { StreamState } from './live-events.ts';

const LABELS: Record<StreamState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

const TITLES: Record<StreamState, string> = {
  connecting: 'Connecting to the live update stream',
  live: 'Receiving live updates from the server',
  reconnecting: 'Connection to the server lost; retrying. The data shown may be out of date.',
};

export function ConnectionIndicator({ state }: { state: StreamState }) {
  return (
    <span class={`live-indicator live-indicator--${state}`} data-testid="connection-indicator" data-state={state} title={TITLES[state]} role="status">
      <span class="live-indicator__dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
