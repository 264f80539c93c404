import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { inventoryWithExpiry, knownRoots } from '../../domain/certificate-expiry.ts';
import { enumQuery, intQuery } from '../query.ts';

const csrStatuses = ['pending', 'rejected', 'superseded', 'installed'] as const;

/** Per-station certificate views, mounted under /stations. */
export function certificateRoutes(services: Services): Hono {
  const { stations, certificates } = services;
  const app = new Hono();

  /**
   * The inventory as last reported (GetInstalledCertificateIds) or changed by installs and deletes, with each
   * certificate's end where Ampyard can tell it and `warnings` for those expiring within `warnDays` (default 60)
   * or expired; plus the certificates the site CA issued to the station.
   */
  app.get('/:id/certificates', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const warnDays = intQuery(c, 'warnDays', 60, 0, 3650);
    const inventory = inventoryWithExpiry(certificates.inventory(id), knownRoots([services.pki.caPem()]), warnDays);
    const issued = services.stationCa.list(id, 20);
    const issuedWarnings = issued
      .filter((i) => i.delivery === 'accepted' && (i.validity === 'expiring' || i.validity === 'expired'))
      .map((i) => ({ certificateType: i.certificateType, serialNumber: i.serialNumber, notAfter: i.notAfter, expiry: i.validity }));
    return c.json({ ...inventory, warnings: [...inventory.warnings, ...issuedWarnings], issued });
  });

  /** The station's CSRs, newest first. */
  app.get('/:id/csrs', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ items: certificates.listCsrs(id, intQuery(c, 'limit', 100, 1, 1000), enumQuery(c, 'status', csrStatuses)) });
  });

  return app;
}
