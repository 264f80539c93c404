import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { inventoryWithExpiry, knownRoots } from '../../domain/certificate-expiry.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { itemsOf, resourceRef } from '../openapi/resource-schemas.ts';
import { enumParam, limitParam } from '../openapi/query-params.ts';

const csrStatuses = ['pending', 'rejected', 'superseded', 'installed'] as const;
const tags = ['Certificates'];

/** Per-station certificate views, mounted under /stations. */
export function certificateRoutes(services: Services): Hono {
  const { stations, certificates } = services;
  const app = new Hono();

  defineRoute<{ warnDays: number }>(
    app,
    {
      method: 'get',
      path: '/:id/certificates',
      summary: 'A station’s certificates, with expiry warnings',
      description:
        'The inventory as last reported (GetInstalledCertificateIds) or changed by installs and deletes, with each certificate’s end where Ampyard can tell it and `warnings` for those expiring within `warnDays` or expired; plus the certificates the site CA issued to the station.',
      tags,
      query: { warnDays: { type: 'integer', minimum: 0, maximum: 3650, default: 60, description: 'Warn this many days before a certificate ends' } },
      responses: { 200: { description: 'The certificates', schema: resourceRef('StationCertificates') } },
    },
    (c, { query }) => {
      const id = c.req.param('id')!;
      stations.require(id);
      const inventory = inventoryWithExpiry(certificates.inventory(id), knownRoots([services.pki.caPem()]), query.warnDays);
      const issued = services.stationCa.list(id, 20);
      const issuedWarnings = issued
        .filter((i) => i.delivery === 'accepted' && (i.validity === 'expiring' || i.validity === 'expired'))
        .map((i) => ({ certificateType: i.certificateType, serialNumber: i.serialNumber, notAfter: i.notAfter, expiry: i.validity }));
      return c.json({ ...inventory, warnings: [...inventory.warnings, ...issuedWarnings], issued });
    },
  );

  defineRoute<{ limit: number; status?: (typeof csrStatuses)[number] }>(
    app,
    { method: 'get', path: '/:id/csrs', summary: 'A station’s certificate signing requests, newest first', tags, query: { limit: limitParam(100, 1000), status: enumParam(csrStatuses) }, responses: { 200: { description: 'Newest first', schema: itemsOf('CertificateSigningRequest') } } },
    (c, { query }) => {
      const id = c.req.param('id')!;
      stations.require(id);
      return c.json({ items: certificates.listCsrs(id, query.limit, query.status) });
    },
  );

  return app;
}
