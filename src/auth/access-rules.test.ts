import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requiredAccess } from './access-rules.ts';

describe('the permission table', () => {
  const cases: Array<[string, string, string]> = [
    // Public: monitoring, the sign-in and first-run pages' calls; exact paths only.
    ['GET', '/health', 'public'],
    ['GET', '/setup', 'public'],
    ['POST', '/setup', 'public'],
    ['POST', '/auth/login', 'public'],
    ['GET', '/health/x', 'viewer'],
    ['POST', '/health', 'operator'],
    ['POST', '/setup/x', 'operator'],
    ['POST', '/auth/login/x', 'viewer'],
    // One's own session.
    ['GET', '/auth/me', 'viewer'],
    ['POST', '/auth/logout', 'viewer'],
    ['POST', '/auth/password', 'viewer'],
    // Reading is for everyone signed in; operating needs an operator.
    ['GET', '/stations', 'viewer'],
    ['HEAD', '/stations/CP1', 'viewer'],
    ['POST', '/stations', 'operator'],
    ['POST', '/stations/CP1/approve', 'operator'],
    ['POST', '/stations/CP1/commands/reset', 'operator'],
    ['DELETE', '/id-tokens/ABC', 'operator'],
    ['GET', '/settings', 'viewer'],
    // Routes nobody has written yet get the defaults.
    ['GET', '/dashboards/power', 'viewer'],
    ['PUT', '/vehicles/7/schedule', 'operator'],
    // Users and security settings.
    ['GET', '/users', 'admin'],
    ['POST', '/users', 'admin'],
    ['PATCH', '/users/3', 'admin'],
    ['GET', '/tokens', 'admin'],
    ['DELETE', '/tokens/1', 'admin'],
    ['GET', '/audit', 'admin'],
    ['PATCH', '/settings', 'admin'],
    ['GET', '/webhooks', 'admin'],
    ['GET', '/stations/CP1/certificates', 'viewer'],
    ['POST', '/stations/CP1/certificates', 'admin'],
    ['POST', '/stations/CP1/csrs/4/sign', 'admin'],
    ['POST', '/stations/CP1/commands/installCertificate', 'admin'],
    ['POST', '/stations/CP1/commands/setNetworkProfile', 'admin'],
    ['POST', '/stations/CP1/ocpp/Reset', 'admin'],
    ['GET', '/security', 'admin'],
    ['GET', '/security/stations', 'admin'],
    ['GET', '/security/ca.pem', 'public'],
    ['GET', '/security/ca.crt', 'public'],
    ['POST', '/security/ca.crt', 'admin'],
    ['GET', '/stations/CP1/security', 'admin'],
    ['POST', '/stations/CP1/security/password', 'admin'],
    // The load-management installation model is the admin's; vehicles, overrides and meter readings stay operator.
    ['GET', '/site', 'viewer'],
    ['GET', '/site/config', 'viewer'],
    ['PATCH', '/site/config', 'admin'],
    ['GET', '/site/circuits', 'viewer'],
    ['POST', '/site/circuits', 'admin'],
    ['PATCH', '/site/circuits/main', 'admin'],
    ['DELETE', '/site/circuits/main', 'admin'],
    ['PUT', '/site/circuits/main/override', 'operator'],
    ['DELETE', '/site/circuits/main/override', 'operator'],
    ['POST', '/site/vehicles', 'operator'],
    ['PATCH', '/site/vehicles/v1', 'operator'],
    ['POST', '/site/meter-readings', 'operator'],
    ['GET', '/stations/CP1/electrical', 'viewer'],
    ['PUT', '/stations/CP1/electrical', 'admin'],
    ['DELETE', '/stations/CP1/electrical', 'admin'],
    // Spelling does not get around a rule.
    ['POST', '/USERS', 'admin'],
    ['POST', '//users/', 'admin'],
    ['POST', '/stations/CP1/Commands/InstallCertificate', 'admin'],
  ];
  for (const [method, path, expected] of cases) {
    it(`${method} ${path} needs ${expected}`, () => assert.equal(requiredAccess(method, path), expected));
  }
});
