import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/**
 * The names a charger may use to reach this host: its host name (also as .local, for mDNS), localhost, every
 * interface address (IPv6 link-local ones excepted: they need a zone and no charger URL carries one), and the
 * configured extra names. Sorted and without duplicates, so that a change is a change of the list.
 */
export function hostNames(extra: string, host = hostname(), interfaces = networkInterfaces()): string[] {
  const names = new Set<string>(['localhost']);
  const name = host.trim().toLowerCase();
  if (name) {
    names.add(name);
    if (!name.includes('.')) names.add(`${name}.local`);
  }
  for (const addresses of Object.values(interfaces)) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv6' && /^fe[89ab]/i.test(address.address)) continue;
      names.add(address.address.toLowerCase());
    }
  }
  for (const raw of extra.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry) names.add(entry);
  }
  return [...names].sort();
}

export function isIpAddress(name: string): boolean {
  return isIP(name) !== 0;
}
