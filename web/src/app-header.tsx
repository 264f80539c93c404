import { AccountMenu } from './account-menu.tsx';
import { ConnectionIndicator } from './connection-indicator.tsx';
import type { StreamState } from './live-events.ts';

export function AppHeader({ stream }: { stream: StreamState }) {
  return (
    <header class="topbar">
      <div class="topbar__inner">
        <div class="brand">
          <svg class="brand__mark" viewBox="0 0 24 24" aria-hidden="true">
            <rect width="24" height="24" rx="6" />
            <path d="M13.5 3 6 13.5h5L10 21l8-11h-5.2z" />
          </svg>
          <h1 class="brand__name">Ampyard</h1>
          <span class="brand__tagline">Depot charging</span>
        </div>
        <div class="topbar__end">
          <ConnectionIndicator state={stream} />
          <AccountMenu />
        </div>
      </div>
    </header>
  );
}
