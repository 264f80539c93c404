import { Hono, type Context } from 'hono';
import type { Services } from '../../app/services.ts';
import { attachment } from '../file-responses.ts';

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

/** Site-wide security: the CA, the TLS listener, the policy, and every station's security state. Mounted at /security. */
export function securityRoutes(services: Services): Hono {
  const { pki, security, stationCa } = services;
  const app = new Hono();

  app.get('/', (c) =>
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
  app.get('/ca.pem', caCertificate(services, 'pem'));
  app.get('/ca.crt', caCertificate(services, 'der'));
  app.get('/stations', (c) => c.json({ items: security.list() }));
  return app;
}

/** The same CA download outside the API (no login), for installers and for chargers that fetch it from a URL. */
export function publicCaRoutes(services: Services): Hono {
  const app = new Hono();
  app.get('/pki/ca.pem', caCertificate(services, 'pem'));
  app.get('/pki/ca.crt', caCertificate(services, 'der'));
  return app;
}
