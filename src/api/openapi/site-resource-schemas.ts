/**
 * Response schemas of the load-management site model, built from the request schemas in
 * src/balancer/site/schemas.ts: what the API takes, with every field present (the server fills in defaults and
 * answers with nulls rather than leaving fields out), plus the fields the server keeps (ids, stamps, overrides).
 */
import { balancerSettingsSchema, circuitFields, configPatchSchema, driverSettingsSchema, evseSchema, overrideSchema, stationElectricalSchema, vehicleFields } from '../../balancer/site/schemas.ts';
import type { JsonSchema } from './define-route.ts';

type ObjectSchema = { properties: Record<string, JsonSchema> } & Record<string, unknown>;

const time = { type: 'string', format: 'date-time' };
/** The same object with every property required. */
const complete = (schema: ObjectSchema, description?: string): JsonSchema => ({ ...schema, ...(description ? { description } : {}), required: Object.keys(schema.properties) });
const stamped = (description: string, properties: Record<string, JsonSchema>): JsonSchema => complete({ type: 'object', properties: { ...properties, createdAt: time, updatedAt: time } }, description);

const config = configPatchSchema as ObjectSchema;
const quirks = stationElectricalSchema.properties.quirks as ObjectSchema;

const circuit = stamped('A circuit of the site: its limits, time-of-day limits, site meter and an override in force', {
  id: { type: 'string' },
  ...circuitFields,
  override: { oneOf: [{ type: 'null' }, { ...overrideSchema, properties: { ...overrideSchema.properties, setAt: time } }] },
});

const stationElectrical = stamped('A station in the site model: its circuit, its EVSEs as wired and its quirks', {
  stationId: { type: 'string' },
  circuitId: { type: 'string' },
  evses: { type: 'array', items: complete(evseSchema as ObjectSchema) },
  quirks: complete(quirks),
});

const vehicle = stamped('A fleet vehicle: the ID tokens it charges with, its battery and departures', { id: { type: 'string' }, ...vehicleFields });

const siteConfig = complete(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...config.properties,
      prices: complete(config.properties['prices'] as ObjectSchema),
      balancer: { ...balancerSettingsSchema, description: 'The tuning that differs from the defaults (GET /site/config/defaults)' },
      driver: complete(driverSettingsSchema),
      updatedAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  'Load-management settings: on or off, voltage, time zone, energy prices and tuning',
);

const siteConfigDefaults = complete(
  { type: 'object', additionalProperties: false, properties: { balancer: complete(balancerSettingsSchema), driver: complete(driverSettingsSchema) } },
  'What each tuning setting is when it is not set',
);

export const siteResourceSchemas = { Circuit: circuit, StationElectrical: stationElectrical, Vehicle: vehicle, SiteConfig: siteConfig, SiteConfigDefaults: siteConfigDefaults };
