// The site model and the live allocation: polled modestly, the allocation also refreshed on balancer and session events.
import { usePoll, type Polled } from './use-poll.ts';
import { useEventRefresh } from './use-event-refresh.ts';
import { fetchAllocations, fetchSite, type Allocations, type SiteModel } from './site-api.ts';

const LIVE_EVENTS = ['allocation.changed', 'transaction.started', 'transaction.ended', 'station.updated'];
const POLL_MS = 10_000;

export interface SiteData {
  site: Polled<SiteModel>;
  allocations: Polled<Allocations>;
  reload(): void;
}

export function useSiteData(): SiteData {
  const site = usePoll(fetchSite, [], POLL_MS);
  const allocations = usePoll(fetchAllocations, [], POLL_MS);
  useEventRefresh(LIVE_EVENTS, allocations.reload);
  return {
    site,
    allocations,
    reload() {
      site.reload();
      allocations.reload();
    },
  };
}
