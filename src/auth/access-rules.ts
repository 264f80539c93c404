import type { Role } from './roles.ts';

/** `public`: no login needed; otherwise the least role that may. */
export type Access = 'public' | Role;

export interface AccessRule {
  /** Path under /api/v1, matched by whole segments; `*` matches any one segment (e.g. a station id). */
  path: string;
  /** Only this exact path, not the paths below it. */
  exact?: boolean;
  /** GET and HEAD. */
  read?: Access;
  /** POST, PUT, PATCH, DELETE. */
  write?: Access;
}

/** What a route needs unless a rule below says otherwise: any signed-in user may read, operators may change. */
export const defaultAccess: { read: Access; write: Access } = { read: 'viewer', write: 'operator' };

/**
 * Who may do what under /api/v1, by path. Routes added later are covered by the defaults above; add a rule
 * here only to open a path up or to reserve it for admins. The most specific matching rule wins.
 */
export const accessRules: AccessRule[] = [
  // For monitoring and for the login and first-run pages.
  { path: '/health', exact: true, read: 'public' },
  // The API's description (what the open-source code tells anyway), for tools and the reference page.
  { path: '/openapi.json', exact: true, read: 'public' },
  { path: '/setup', exact: true, read: 'public', write: 'public' },
  { path: '/auth/login', exact: true, write: 'public' },
  // The site CA certificate: chargers and browsers must be able to fetch it to trust the appliance.
  { path: '/security/ca.pem', exact: true, read: 'public' },
  { path: '/security/ca.crt', exact: true, read: 'public' },
  // One's own session: who am I, log out, change my password.
  { path: '/auth', read: 'viewer', write: 'viewer' },

  // Users and security settings: admins only.
  { path: '/users', read: 'admin', write: 'admin' },
  { path: '/tokens', read: 'admin', write: 'admin' },
  { path: '/audit', read: 'admin', write: 'admin' },
  { path: '/settings', write: 'admin' },
  { path: '/security', read: 'admin', write: 'admin' },
  { path: '/webhooks', read: 'admin', write: 'admin' },
  { path: '/backups', read: 'admin', write: 'admin' },
  { path: '/stations/*/certificates', write: 'admin' },
  { path: '/stations/*/csrs', write: 'admin' },
  { path: '/stations/*/security', read: 'admin', write: 'admin' },
  { path: '/stations/*/ocpp', write: 'admin' },
  { path: '/stations/*/commands/installCertificate', write: 'admin' },
  { path: '/stations/*/commands/deleteCertificate', write: 'admin' },
  { path: '/stations/*/commands/certificateSigned', write: 'admin' },
  { path: '/stations/*/commands/setNetworkProfile', write: 'admin' },
  { path: '/stations/*/commands/setStationPassword', write: 'admin' },
  { path: '/stations/*/commands/setSecurityProfile', write: 'admin' },
  { path: '/stations/*/commands/requestStationCertificate', write: 'admin' },
  // The load-management installation model (what is wired where, fuse sizes, grid limits): admins only.
  // Operators keep the day-to-day parts: vehicles, a circuit's temporary override, meter-reading pushes.
  { path: '/site/config', write: 'admin' },
  { path: '/site/circuits', write: 'admin' },
  { path: '/site/circuits/*/override', write: 'operator' },
  { path: '/stations/*/electrical', write: 'admin' },
  // The site CA certificate is public (chargers and browsers must trust it); also served at /pki/ca.pem.
  { path: '/security/ca.pem', exact: true, read: 'public' },
  { path: '/security/ca.crt', exact: true, read: 'public' },
];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

function segments(path: string): string[] {
  return path.toLowerCase().split('/').filter((s) => s !== '');
}

const compiled = accessRules.map((rule) => ({ rule, segments: segments(rule.path) }));

/** The access a request needs; `path` is relative to /api/v1 (e.g. `/stations/CP1/approve`). */
export function requiredAccess(method: string, path: string): Access {
  const kind = isSafeMethod(method) ? 'read' : 'write';
  const parts = segments(path);
  let best: { access: Access; specificity: number } | undefined;
  for (const { rule, segments: pattern } of compiled) {
    const access = rule[kind];
    if (access === undefined) continue;
    if (rule.exact ? parts.length !== pattern.length : parts.length < pattern.length) continue;
    if (!pattern.every((p, i) => p === '*' || p === parts[i]!.toLowerCase())) continue;
    const specificity = pattern.length * 2 + (rule.exact ? 1 : 0);
    if (!best || specificity > best.specificity) best = { access, specificity };
  }
  return best?.access ?? defaultAccess[kind];
}
