import { Hono, type Context } from 'hono';
import type { Services } from '../../app/services.ts';
import { attachment } from '../file-responses.ts';
import { defineList, defineRoute, type RouteSpec } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';

/** The site CA certificate as PEM or DER (.crt, for chargers that want binary). It is public: chargers and browsers must trust it. */
function caCertificate(services: Services, format: 'pem' | 'der') {
  return (c: Context) => {
    const pem = services.pki.caPem();
    const name = `ampyard-site-ca.${format === 'pem' ? 'pem' : 'crt'}`;
    c.header('content-disposition', attachment(name));
    c.header('cache-control', 'no-cache');
    if (format === 'pem') return c.body(pem, 200, { 'content-type': 'application/x-pem-file' });
    const der = services.pki.caCertificate().raw;
    return c.body(new Uint8Array(der), 200, { 'content-type': 'application/pkix-cert' });
  };
}

const tags = ['Security'];

function defineCaDownloads(app: Hono, services: Services, path: string, security?: RouteSpec['security']): void {
  const download = (format: 'pem' | 'der', contentType: string): RouteSpec => ({
    method: 'get',
    path: `${path}.${format === 'pem' ? 'pem' : 'crt'}`,
    summary: `The site CA certificate (${format.toUpperCase()})`,
    tags,
    ...(security ? { security } : {}),
    responses: { 200: { description: 'The certificate, as a download', contentType, schema: { type: 'string' } } },
  });
  defineRoute(app, download('pem', 'application/x-pem-file'), caCertificate(services, 'pem'));
  defineRoute(app, download('der', 'application/pkix-cert'), caCertificate(services, 'der'));
}

/** Site-wide security: the CA, the TLS listener, the policy, and every station's security state. Mounted at /security. */
export function securityRoutes(services: Services): Hono {
  const { pki, security, stationCa } = services;
  const app = new Hono();

  defineRoute(app, { method: 'get', path: '/', summary: 'The site CA, the TLS listener and the security policy', tags, responses: { 200: { description: 'The overview', schema: resourceRef('SecurityOverview') } } }, (c) =>
    c.json({
      ca: pki.caSummary(),
      tls: { port: security.endpoints.tlsPort, enabled: security.endpoints.tlsPort !== null },
      policy: {
        allowProfile0: security.allowProfile0,
        unconfiguredStationsNeed: security.allowProfile0 ? 'nothing (profile 0 allowed)' : 'a password or a site-CA client certificate',
        organization: stationCa.organization,
      },
    }),
  );
  defineCaDownloads(app, services, '/ca');
  defineList(app, { path: '/stations', summary: 'Every station’s security state', tags, sort: ['stationId', 'securityProfile', 'pendingSince'], item: resourceRef('StationSecurity') }, () => security.list());
  return app;
}

/** The same CA download outside the API (no login), for installers and for chargers that fetch it from a URL. */
export function publicCaRoutes(services: Services): Hono {
  const app = new Hono();
  defineCaDownloads(app, services, '/pki/ca', 'public');
  return app;
}
