/**
 * Response schemas of the load-management site model, built from the request schemas in
 * src/balancer/site/schemas.ts: what the API takes, with every field present (the server fills in defaults and
 * answers with nulls rather than leaving fields out), plus the fields the server keeps (ids, stamps, overrides).
 */
import { balancerSettingsSchema, circuitFields, configPatchSchema, driverSettingsSchema, evseSchema, registerMapSchema, overrideSchema, stationElectricalSchema, vehicleFields } from '../../balancer/site/schemas.ts';
import type { JsonSchema } from './define-route.ts';
import { nullableTime, orNull, schemaRef, time } from './schema-parts.ts';

type ObjectSchema = { properties: Record<string, JsonSchema> } & Record<string, unknown>;

/** The same object with every property required. */
const complete = (schema: ObjectSchema, description?: string): JsonSchema => ({ ...schema, ...(description ? { description } : {}), required: Object.keys(schema.properties) });
const stamped = (description: string, properties: Record<string, JsonSchema>): JsonSchema => complete({ type: 'object', properties: { ...properties, createdAt: time, updatedAt: time } }, description);

const config = configPatchSchema as ObjectSchema;
const quirks = stationElectricalSchema.properties.quirks as ObjectSchema;

const circuit = stamped('A circuit of the site: its limits, time-of-day limits, site meter and an override in force', {
  id: { type: 'string' },
  ...circuitFields,
  override: orNull({ ...overrideSchema, properties: { ...overrideSchema.properties, setAt: time } }),
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
      limitA: { ...orNull(threeNumbers), description: 'The grid connection’s limit per phase in force' },
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
      latest: orNull(schemaRef('SitePower')),
    },
  },
  'Site power over time as columns of equal length (buckets without samples are left out), and the newest sample',
);

const meterReading = complete(
  {
    type: 'object',
    properties: {
      circuitId: { type: 'string' },
      currentA: { ...threeNumbers, description: 'Per grid phase L1, L2, L3' },
      powerW: { oneOf: [{ type: 'null' }, { type: 'number' }, threeNumbers] },
      measuredAt: time,
      source: { enum: ['push', 'modbus'] },
    },
  },
  'A site meter reading',
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
      lastReading: orNull(schemaRef('MeterReading')),
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
      items: { type: 'array', items: schemaRef('MeterStatus') },
      presets: { type: 'object', additionalProperties: registerMapSchema, description: 'The register maps of the meter models Ampyard knows, by name' },
    },
  },
  'The site meters and the meter models Ampyard knows',
);

const phaseOrPower = { enum: ['L1', 'L2', 'L3', 'power'] };
const binding = {
  type: 'object',
  description: 'What holds the allocation where it is; `reason` says it in words',
  required: ['kind'],
  properties: {
    kind: { enum: ['circuit', 'evse-max', 'vehicle-max', 'unused', 'price', 'target-reached', 'paused-priority', 'paused-min-current', 'deadline', 'overdraw', 'uncontrolled', 'assumed-draw', 'unknown-evse'] },
    circuit: { type: 'string' },
    phase: phaseOrPower,
    utilisation: { type: 'number' },
    probeAt: { type: 'number', description: 'Epoch ms' },
    cheaperFrom: { type: ['number', 'null'], description: 'Epoch ms' },
    measuredA: { type: 'number' },
    drawA: { type: 'number' },
  },
};

const evseAllocation = complete(
  {
    type: 'object',
    properties: {
      stationId: { type: 'string' },
      evseId: { type: 'integer' },
      transactionId: { type: 'integer' },
      idToken: { type: ['string', 'null'] },
      vehicle: orNull(complete({ type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } })),
      allocation: complete({
        type: 'object',
        properties: {
          currentA: { type: 'number', description: 'Per phase; 0 is paused' },
          limit: { type: 'number', description: 'What is sent, in `unit`' },
          unit: { enum: ['A', 'W'] },
          phasesToUse: { type: 'integer' },
          perPhaseA: { ...threeNumbers, description: 'Counted on grid phases L1, L2, L3' },
          reservedA: { type: 'number', description: 'Per phase, what the session may draw at worst' },
        },
      }),
      applied: {
        type: 'object',
        required: ['status'],
        properties: {
          status: { enum: ['applied', 'sending', 'failed', 'not-sent'] },
          limit: { type: 'number' },
          unit: { enum: ['A', 'W'] },
          at: nullableTime,
          problem: { type: ['string', 'null'] },
        },
      },
      measuredA: { ...orNull(numbers), description: 'Per EVSE phase' },
      measuredPowerW: { type: ['number', 'null'] },
      measuredAt: nullableTime,
      binding,
      reason: { type: 'string' },
      needKwh: { type: ['number', 'null'] },
      deliveredKwh: { type: 'number' },
      departureAt: nullableTime,
      projectedReadyAt: nullableTime,
      atRisk: { type: 'boolean' },
      shortfallKwh: { type: 'number' },
      nonCompliant: orNull(complete({ type: 'object', properties: { peakA: { type: 'number' }, since: { type: 'number', description: 'Epoch ms' } } })),
      assumedEvse: { type: 'boolean', description: 'The EVSE is not described in the site model; defaults were assumed' },
    },
  },
  'A charging session’s allocation, whether the station has it, what it draws, and why',
);

const siteAllocations = {
  type: 'object',
  description: 'The live allocation: per session its share and why, per circuit its load against its limit, per station its fail-safe share. Before the first cycle only at, enabled and empty lists.',
  required: ['at', 'enabled', 'evses', 'offline', 'circuits', 'stations', 'problems'],
  properties: {
    at: nullableTime,
    enabled: { type: 'boolean' },
    planMode: { type: ['string', 'null'] },
    cycleMs: { type: 'number' },
    evses: { type: 'array', items: evseAllocation },
    offline: {
      type: 'array',
      items: complete({
        type: 'object',
        properties: { stationId: { type: ['string', 'null'] }, evseId: { type: ['integer', 'null'] }, reservedA: { type: 'number' }, perPhaseA: threeNumbers, reason: { type: 'string' } },
      }, 'A session on a station that is offline: what it may draw'),
    },
    circuits: {
      type: 'array',
      items: complete({
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          parentId: { type: ['string', 'null'] },
          limitA: threeNumbers,
          marginA: { type: 'number' },
          loadA: { ...threeNumbers, description: 'Non-charger (building) load' },
          loadStale: { type: 'boolean' },
          allocatedA: threeNumbers,
          measuredA: threeNumbers,
          utilisation: { ...threeNumbers, description: 'Share of the limit in use, per phase' },
          maxPowerKw: { type: ['number', 'null'] },
          powerKw: { type: ['number', 'null'] },
          override: orNull({ type: 'object' }),
        },
      }),
    },
    stations: {
      type: 'array',
      items: complete({
        type: 'object',
        properties: {
          stationId: { type: 'string' },
          connected: { type: 'boolean' },
          fallback: complete({ type: 'object', properties: { shareA: { type: 'number' }, physicalA: { type: 'number' }, status: { type: 'string' } } }),
        },
      }),
    },
    problems: { type: 'array', items: { type: 'string' } },
  },
};

const siteModel = complete(
  {
    type: 'object',
    properties: {
      circuits: { type: 'array', items: schemaRef('Circuit') },
      stations: { type: 'array', items: schemaRef('StationElectrical') },
      vehicles: { type: 'array', items: schemaRef('Vehicle') },
      config: schemaRef('SiteConfig'),
      problems: { type: 'array', items: { type: 'string' }, description: 'What keeps load management from working as set up, in words' },
    },
  },
  'The whole site model',
);

export const siteResourceSchemas = { Circuit: circuit, StationElectrical: stationElectrical, Vehicle: vehicle, SiteConfig: siteConfig, SiteConfigDefaults: siteConfigDefaults, SitePower: sitePower, SitePowerHistory: sitePowerHistory, MeterReading: meterReading, MeterStatus: meterStatus, SiteMeters: siteMeters, SiteAllocations: siteAllocations, SiteModel: siteModel };
