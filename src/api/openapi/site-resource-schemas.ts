/**
 * Response schemas of the load-management site model, built from the request schemas in
 * src/balancer/site/schemas.ts: what the API takes, with every field present (the server fills in defaults and
 * answers with nulls rather than leaving fields out), plus the fields the server keeps (ids, stamps, overrides).
 */
import { balancerSettingsSchema, circuitFields, configPatchSchema, driverSettingsSchema, evseSchema, registerMapSchema, overrideSchema, stationElectricalSchema, vehicleFields } from '../../balancer/site/schemas.ts';
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

const numbers = { type: 'array', items: { type: 'number' } };
const nullableNumbers = { type: 'array', items: { type: ['number', 'null'] } };
const threeNumbers = { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 };

const sitePower = complete(
  {
    type: 'object',
    properties: {
      at: time,
      powerW: { type: 'number', description: 'Site power: chargers plus the measured building load' },
      chargersW: { type: 'number' },
      phaseA: { ...threeNumbers, description: 'Current per grid phase L1, L2, L3' },
      limitA: { oneOf: [{ type: 'null' }, threeNumbers], description: 'The grid connection’s limit per phase in force' },
      limitW: { type: ['number', 'null'] },
      buildingW: { type: ['number', 'null'], description: 'Measured non-charger load; null when not metered' },
    },
  },
  'One sample of site power (also streamed on /api/v1/events as site.power)',
);

const sitePowerHistory = complete(
  {
    type: 'object',
    properties: {
      from: time,
      to: time,
      step: { type: 'integer', description: 'Seconds per point' },
      t: { type: 'array', items: { type: 'integer' }, description: 'Start of each bucket, seconds since the epoch' },
      powerW: numbers,
      powerMaxW: numbers,
      limitW: nullableNumbers,
      buildingW: nullableNumbers,
      l1A: numbers,
      l2A: numbers,
      l3A: numbers,
      latest: { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/SitePower' }] },
    },
  },
  'Site power over time as columns of equal length (buckets without samples are left out), and the newest sample',
);

const meterStatus = complete(
  {
    type: 'object',
    properties: {
      circuitId: { type: 'string' },
      kind: { enum: ['push', 'modbus'] },
      measures: { enum: ['non-charger', 'total'] },
      staleAfterSeconds: { type: 'number' },
      stale: { type: 'boolean', description: 'No reading within staleAfterSeconds: the circuit’s worst-case load counts' },
      lastReading: {
        oneOf: [
          { type: 'null' },
          complete({
            type: 'object',
            properties: {
              circuitId: { type: 'string' },
              currentA: threeNumbers,
              powerW: { oneOf: [{ type: 'null' }, { type: 'number' }, threeNumbers] },
              measuredAt: time,
              source: { enum: ['push', 'modbus'] },
            },
          }),
        ],
      },
      lastError: { type: ['string', 'null'] },
      lastErrorAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  'A circuit’s site meter and its newest reading',
);

const siteMeters = complete(
  {
    type: 'object',
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/MeterStatus' } },
      presets: { type: 'object', additionalProperties: registerMapSchema, description: 'The register maps of the meter models Ampyard knows, by name' },
    },
  },
  'The site meters and the meter models Ampyard knows',
);

export const siteResourceSchemas = { Circuit: circuit, StationElectrical: stationElectrical, Vehicle: vehicle, SiteConfig: siteConfig, SiteConfigDefaults: siteConfigDefaults, SitePower: sitePower, SitePowerHistory: sitePowerHistory, MeterStatus: meterStatus, SiteMeters: siteMeters };
