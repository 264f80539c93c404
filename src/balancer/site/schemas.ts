/** JSON schemas of the site model as the REST API takes it (checked with checkParams: field-level errors). */

const amps = { type: 'number', minimum: 0, maximum: 100_000 };
const perPhase = { oneOf: [amps, { type: 'array', items: amps, minItems: 3, maxItems: 3 }] };
const time = { type: 'string', pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' };
/** A departure may name the second it leaves ('HH:MM:SS'). */
const timeWithSeconds = { type: 'string', pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?|24:00)$' };
const days = { type: 'array', items: { type: 'integer', minimum: 0, maximum: 6 }, minItems: 1, maxItems: 7, uniqueItems: true };
export const idPattern = '^[A-Za-z0-9._-]{1,64}$';
const id = { type: 'string', pattern: idPattern };
const nullable = (schema: Record<string, unknown>) => ({ oneOf: [{ type: 'null' }, schema] });
const phase = { enum: ['L1', 'L2', 'L3'] };

const registerField = {
  type: 'object',
  properties: {
    address: { type: 'integer', minimum: 0, maximum: 65535 },
    type: { enum: ['float32', 'int32', 'uint32', 'int16', 'uint16'] },
    wordOrder: { enum: ['high', 'low'] },
    scale: { type: 'number' },
  },
  required: ['address', 'type'],
  additionalProperties: false,
};
const threeFields = { type: 'array', items: registerField, minItems: 3, maxItems: 3 };

export const registerMapSchema = {
  type: 'object',
  properties: { table: { enum: ['input', 'holding'] }, currentA: threeFields, powerW: threeFields },
  required: ['table', 'currentA'],
  additionalProperties: false,
};

const meterSchema = {
  type: 'object',
  properties: {
    kind: { enum: ['push', 'modbus'] },
    measures: { enum: ['non-charger', 'total'], default: 'non-charger' },
    staleAfterSeconds: { type: 'number', minimum: 1, maximum: 3600, default: 15 },
    modbus: {
      type: 'object',
      properties: {
        host: { type: 'string', minLength: 1, maxLength: 255 },
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 502 },
        unitId: { type: 'integer', minimum: 0, maximum: 255, default: 1 },
        preset: { type: 'string', minLength: 1, maxLength: 64 },
        registers: registerMapSchema,
        pollSeconds: { type: 'number', minimum: 0.2, maximum: 600, default: 2 },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 60_000, default: 1500 },
      },
      required: ['host'],
      additionalProperties: false,
    },
  },
  required: ['kind'],
  additionalProperties: false,
};

const limitWindow = {
  type: 'object',
  properties: { days, from: time, to: time, limitA: perPhase, maxPowerKw: { type: 'number', minimum: 0 } },
  required: ['from', 'to'],
  additionalProperties: false,
};

export const circuitFields = {
  name: { type: 'string', maxLength: 100 },
  parentId: nullable(id),
  limitA: perPhase,
  maxPowerKw: nullable({ type: 'number', minimum: 0, maximum: 1_000_000 }),
  marginA: { type: 'number', minimum: 0, maximum: 10_000 },
  schedule: { type: 'array', items: limitWindow, maxItems: 100 },
  meter: nullable(meterSchema),
  fallbackLoadA: nullable(perPhase),
};

export const circuitCreateSchema = { type: 'object', properties: { id, ...circuitFields }, required: ['id', 'limitA'], additionalProperties: false };
export const circuitPatchSchema = { type: 'object', properties: circuitFields, additionalProperties: false };

export const overrideSchema = {
  type: 'object',
  properties: { limitA: perPhase, maxPowerKw: { type: 'number', minimum: 0 }, until: nullable({ type: 'string', format: 'date-time' }) },
  additionalProperties: false,
};

export const evseSchema = {
  type: 'object',
  properties: {
    evseId: { type: 'integer', minimum: 1, maximum: 1000 },
    kind: { enum: ['AC', 'DC'], default: 'AC' },
    phases: { enum: [1, 2, 3], default: 3 },
    rotation: { type: 'array', items: phase, minItems: 1, maxItems: 3 },
    minCurrentA: nullable({ type: 'number', minimum: 0, maximum: 1000 }),
    maxCurrentA: nullable({ type: 'number', minimum: 0, maximum: 1000 }),
    maxPowerW: nullable({ type: 'number', minimum: 0, maximum: 10_000_000 }),
    minPowerW: nullable({ type: 'number', minimum: 0, maximum: 10_000_000 }),
    unit: { enum: ['A', 'W'], default: 'A' },
    voltageV: nullable({ type: 'number', minimum: 50, maximum: 1000 }),
  },
  required: ['evseId'],
  additionalProperties: false,
};

export const stationElectricalSchema = {
  type: 'object',
  properties: {
    circuitId: id,
    evses: { type: 'array', items: evseSchema, maxItems: 64 },
    quirks: {
      type: 'object',
      properties: {
        stackLevel0Only: { type: 'boolean' },
        minCurrentA: nullable({ type: 'number', minimum: 0, maximum: 100 }),
        stepA: nullable({ type: 'number', minimum: 0.1, maximum: 10, description: 'a multiple of 0.1 A' }),
        noTxProfile: { type: 'boolean' },
        unitOnly: nullable({ enum: ['A', 'W'] }),
        ignoresLimits: { type: 'boolean' },
      },
      additionalProperties: false,
    },
  },
  required: ['circuitId'],
  additionalProperties: false,
};

const departureSchema = {
  type: 'object',
  properties: {
    days,
    at: timeWithSeconds,
    arriveAt: time,
    targetSocPct: { type: 'number', minimum: 0, maximum: 100 },
    targetEnergyKwh: { type: 'number', minimum: 0, maximum: 10_000 },
  },
  required: ['days', 'at'],
  additionalProperties: false,
};

export const vehicleFields = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  idTokens: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 255 }, maxItems: 20, uniqueItems: true },
  batteryKwh: nullable({ type: 'number', exclusiveMinimum: 0, maximum: 10_000 }),
  maxChargeKw: nullable({ type: 'number', exclusiveMinimum: 0, maximum: 10_000 }),
  phases: nullable({ enum: [1, 2, 3] }),
  priority: { type: 'integer', minimum: -100, maximum: 100 },
  departures: { type: 'array', items: departureSchema, maxItems: 50 },
  home: nullable({
    type: 'object',
    properties: { stationId: { type: 'string', minLength: 1, maxLength: 48 }, evseId: { type: 'integer', minimum: 1, maximum: 1000 } },
    required: ['stationId', 'evseId'],
    additionalProperties: false,
  }),
};

export const vehicleCreateSchema = { type: 'object', properties: { id, ...vehicleFields }, required: ['name'], additionalProperties: false };
export const vehiclePatchSchema = { type: 'object', properties: vehicleFields, additionalProperties: false };

const positive = (max: number) => ({ type: 'number', exclusiveMinimum: 0, maximum: max });

/** The allocation core's tunable settings (BalancerSettings); what is not set keeps its default. */
export const balancerSettingsSchema = {
  type: 'object',
  properties: {
    meterStaleAfterS: positive(3600),
    slotMinutes: { enum: [5, 10, 15, 30, 60] },
    horizonHours: positive(168),
    limitLookAheadS: { type: 'number', minimum: 0, maximum: 3600 },
    rotationPeriodS: positive(86_400),
    underuseThresholdA: { type: 'number', minimum: 0, maximum: 100 },
    underuseHeadroomA: { type: 'number', minimum: 0, maximum: 100 },
    probeIntervalS: positive(86_400),
    probeDurationS: positive(86_400),
    settleS: { type: 'number', minimum: 0, maximum: 600 },
    overdrawToleranceA: { type: 'number', minimum: 0, maximum: 100 },
    futureReserve: { type: 'number', minimum: 0, maximum: 1 },
    replanS: positive(3600),
  },
  additionalProperties: false,
};

/** The driver's settings (DriverSettings). */
export const driverSettingsSchema = {
  type: 'object',
  properties: {
    debounceMs: { type: 'integer', minimum: 0, maximum: 1000 },
    cycleSeconds: { type: 'number', minimum: 0.5, maximum: 300 },
    commandTimeoutSeconds: { type: 'number', minimum: 0.2, maximum: 120 },
    followSeconds: { type: 'number', minimum: 0, maximum: 60 },
    leaseSeconds: { type: 'number', minimum: 3, maximum: 3600 },
    overdrawToleranceSeconds: { type: 'number', minimum: 0, maximum: 3600 },
  },
  additionalProperties: false,
};

/** Takes null as well (a type list or an enum value rather than oneOf, so that a bad value gets one clear error). */
const orNull = (schema: Record<string, unknown>) => ('enum' in schema ? { enum: [...(schema['enum'] as unknown[]), null] } : { ...schema, type: [schema['type'], 'null'] });

/** In a PATCH, null puts a setting back to its default. */
const resettable = (schema: { properties: Record<string, Record<string, unknown>> }) => ({
  ...schema,
  properties: Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, orNull(value)])),
});

export const configPatchSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    voltageV: { type: 'number', minimum: 50, maximum: 1000 },
    timeZone: { type: 'string', minLength: 1, maxLength: 64 },
    prices: {
      type: 'object',
      properties: {
        default: nullable({ type: 'number' }),
        windows: {
          type: 'array',
          maxItems: 200,
          items: { type: 'object', properties: { days, from: time, to: time, price: { type: 'number' } }, required: ['from', 'to', 'price'], additionalProperties: false },
        },
      },
      additionalProperties: false,
    },
    balancer: resettable(balancerSettingsSchema),
    driver: resettable(driverSettingsSchema),
  },
  additionalProperties: false,
};

export const meterReadingSchema = {
  type: 'object',
  properties: {
    circuitId: id,
    currentA: { type: 'array', items: { type: 'number', minimum: -100_000, maximum: 100_000 }, minItems: 3, maxItems: 3 },
    powerW: { oneOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 }] },
    measuredAt: { type: 'string', format: 'date-time' },
  },
  required: ['circuitId'],
  additionalProperties: false,
};
