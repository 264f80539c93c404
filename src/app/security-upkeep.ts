import type { Listeners } from './listeners.ts';
import type { Services } from './services.ts';

const HOST_CHECK_MS = 5 * 60_000;
const RENEWAL_CHECK_MS = 60 * 60_000;

/**
 * Periodic security work: a new TLS server certificate when the host's names or addresses change (DHCP, a
 * renamed host), and asking stations to renew certificates close to expiry. Returns a function that stops it.
 */
export function startSecurityUpkeep(services: Services, listeners: Listeners): () => void {
  const { pki, stationCa, log } = services;
  const checkHost = async () => {
    if (listeners.tlsPort === null) return;
    try {
      if (await pki.ensureServerCertificate()) listeners.reloadTls();
    } catch (error) {
      log.error('could not renew the TLS server certificate', { error: (error as Error).message });
    }
  };
  const checkRenewals = () => stationCa.checkRenewals().catch((error: Error) => log.error('certificate renewal check failed', { error: error.message }));
  const timers = [setInterval(checkHost, HOST_CHECK_MS), setInterval(checkRenewals, RENEWAL_CHECK_MS), setTimeout(checkRenewals, 60_000)];
  for (const timer of timers) timer.unref();
  return () => timers.forEach((timer) => clearTimeout(timer));
}
