import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Prng } from './prng.ts';

/**
 * Generated hostile OCPP-J frames, each with the answer OCPP-J calls for, worked out here independently of
 * the server's parser:
 * - a frame that is not a JSON array with a non-empty string message id: one CALLERROR with id "-1";
 * - a CALLRESULT or CALLERROR (type 3 or 4), well-formed or not, for an id the server never sent: nothing;
 * - anything else with a readable id (a CALL, a malformed CALL, an unsupported message type): exactly one
 *   answer with that id, and a CALLERROR whenever the frame breaks the schema or the framing.
 */
export type Expectation = { kind: 'none' } | { kind: 'minusOne' } | { kind: 'answer'; id: string; error: boolean };

export interface FuzzFrame {
  category: string;
  data: string | Buffer;
  binary: boolean;
  expect: Expectation;
}

type Version = '1.6' | '2.0.1';
type Schema = Record<string, any>;

const require = createRequire(import.meta.url);
const schemaFiles: Record<Version, string> = { '1.6': 'ocpp-rpc/lib/schemas/ocpp1_6.json', '2.0.1': 'ocpp-rpc/lib/schemas/ocpp2_0_1.json' };
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The answer a frame calls for, from its text alone. `mustError`: the frame is known to break its schema. */
export function expectationFor(text: string, mustError: boolean): Expectation {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: 'minusOne' };
  }
  if (!Array.isArray(message)) return { kind: 'minusOne' };
  const [type, id, action, payload] = message as unknown[];
  if (typeof id !== 'string' || id === '') return { kind: 'minusOne' };
  if (type === 3 || type === 4) return { kind: 'none' };
  const wellFormedCall = type === 2 && message.length === 4 && typeof action === 'string' && action !== '' && typeof payload === 'object' && payload !== null && !Array.isArray(payload);
  return { kind: 'answer', id, error: mustError || !wellFormedCall };
}

interface ActionSchema {
  action: string;
  schema: Schema;
  validate: ValidateFunction;
}

/** Walks a schema (resolving local $refs) alongside a generated instance. */
function resolve(schema: Schema, root: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 10 && s && typeof s['$ref'] === 'string'; i++) {
    const path = (s['$ref'] as string).replace(/^#\//, '').split('/');
    s = path.reduce<any>((node, key) => node?.[key], root);
  }
  return s ?? {};
}

/** A small valid instance: required properties only, the first enum value, minimum numbers. */
function minimal(schema: Schema, root: Schema, depth = 0): unknown {
  const s = resolve(schema, root);
  if (depth > 12) return {};
  if (Array.isArray(s['enum'])) return s['enum'][0];
  const type = Array.isArray(s['type']) ? s['type'][0] : s['type'];
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of (s['required'] as string[] | undefined) ?? []) out[key] = minimal(s['properties']?.[key] ?? {}, root, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, s['minItems'] ?? 0) }, () => minimal(s['items'] ?? {}, root, depth + 1));
    case 'string':
      if (s['format'] === 'date-time') return new Date().toISOString();
      if (s['format'] === 'uri') return 'http://example.com/x';
      return 'x'.repeat(Math.max(1, s['minLength'] ?? 1));
    case 'integer':
      return Math.max(1, Math.ceil(s['minimum'] ?? 1));
    case 'number':
      return Math.max(1, s['minimum'] ?? 1);
    case 'boolean':
      return true;
    default:
      return 'x';
  }
}

interface Slot {
  /** The object holding the value and the key within it. */
  parent: Record<string, unknown> | unknown[];
  key: string | number;
  schema: Schema;
  required: boolean;
}

/** Every value in the instance, with its schema, plus the optional properties its objects could have. */
function slots(instance: unknown, schema: Schema, root: Schema, out: Slot[] = [], depth = 0): Slot[] {
  const s = resolve(schema, root);
  if (depth > 12) return out;
  if (s['type'] === 'object' && instance && typeof instance === 'object' && !Array.isArray(instance)) {
    const object = instance as Record<string, unknown>;
    const required = new Set<string>((s['required'] as string[] | undefined) ?? []);
    for (const [key, child] of Object.entries((s['properties'] as Record<string, Schema> | undefined) ?? {})) {
      out.push({ parent: object, key, schema: child, required: required.has(key) });
      if (key in object) slots(object[key], child, root, out, depth + 1);
    }
  } else if (s['type'] === 'array' && Array.isArray(instance)) {
    instance.forEach((item, i) => {
      out.push({ parent: instance, key: i, schema: s['items'] ?? {}, required: true });
      slots(item, s['items'] ?? {}, root, out, depth + 1);
    });
  }
  return out;
}

/** A value of another JSON type than the slot allows; never a numeric or time-like string (servers may repair those). */
function wrongValue(random: Prng, schema: Schema): unknown {
  const type = schema['type'];
  const candidates: unknown[] = [true, false, 3.5, -7, 0, null, [], [1, 'a'], {}, { nested: { deeper: [] } }, 'zz not valid'];
  const ok = (v: unknown) => {
    if (type === 'string') return typeof v !== 'string';
    if (type === 'integer') return !Number.isInteger(v);
    if (type === 'number') return typeof v !== 'number';
    if (type === 'boolean') return typeof v !== 'boolean';
    if (type === 'array') return !Array.isArray(v);
    if (type === 'object') return typeof v !== 'object' || v === null || Array.isArray(v);
    return true;
  };
  return random.pick(candidates.filter(ok));
}

export class OcppFuzzer {
  readonly version: Version;
  private readonly random: Prng;
  private readonly actions: ActionSchema[];
  /** Actions the CSMS sends, not the station: valid payloads must still get a CALLERROR (NotSupported). */
  private readonly csmsActions: ActionSchema[];
  private counter = 0;
  /** Mutations that happened to leave the payload valid, so were not sent. */
  skipped = 0;

  constructor(version: Version, random: Prng, stationActions: readonly string[]) {
    this.version = version;
    this.random = random;
    const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: false, multipleOfPrecision: 6 });
    addFormats(ajv);
    const all: ActionSchema[] = [];
    for (const schema of require(schemaFiles[version]) as Schema[]) {
      const match = /^urn:(\w+)\.req$/.exec(schema['$id']);
      if (!match) continue;
      all.push({ action: match[1]!, schema, validate: ajv.compile({ ...schema, $id: undefined }) });
    }
    this.actions = all;
    this.csmsActions = all.filter((a) => !stationActions.includes(a.action));
  }

  private id(): string {
    return `f${++this.counter}-${this.random.string(this.random.int(1, 20))}`;
  }

  private frame(category: string, text: string, mustError = false): FuzzFrame {
    return { category, data: text, binary: false, expect: expectationFor(text, mustError) };
  }

  /** A real action's payload broken in one place (wrong type, missing field, unknown field, bad enum, bad time, too long). */
  schemaViolation(): FuzzFrame {
    for (;;) {
      const { action, schema, validate } = this.random.pick(this.actions);
      const payload = minimal(schema, schema) as Record<string, unknown>;
      const candidates = slots(payload, schema, schema);
      const slot = candidates.length ? this.random.pick(candidates) : undefined;
      const how = this.random.int(0, 5);
      let category = 'schema:wrong-type';
      if (!slot || how === 0) {
        const objects = [payload, ...candidates.map((c) => (c.parent as any)[c.key]).filter((v) => v && typeof v === 'object' && !Array.isArray(v))];
        (this.random.pick(objects) as Record<string, unknown>)[`zz${this.random.string(4)}`] = this.random.int(0, 9);
        category = 'schema:unknown-field';
      } else {
        const target = resolve(slot.schema, schema);
        if (how === 1 && slot.required && !Array.isArray(slot.parent)) {
          delete (slot.parent as Record<string, unknown>)[slot.key as string];
          category = 'schema:missing-field';
        } else if (how === 2 && Array.isArray(target['enum'])) {
          (slot.parent as any)[slot.key] = `No${this.random.string(6)}`;
          category = 'schema:bad-enum';
        } else if (how === 3 && target['format'] === 'date-time') {
          (slot.parent as any)[slot.key] = this.random.pick(['not a time', 'yesterday', '', 'T', '12:00 tomorrow']);
          category = 'schema:bad-time';
        } else if (how === 4 && target['type'] === 'string' && typeof target['maxLength'] === 'number') {
          (slot.parent as any)[slot.key] = 'L'.repeat(target['maxLength'] + this.random.int(1, this.random.chance(0.1) ? 150_000 : 50));
          category = 'schema:too-long';
        } else {
          (slot.parent as any)[slot.key] = wrongValue(this.random, target);
        }
      }
      if (validate(payload)) {
        this.skipped++;
        continue;
      }
      return this.frame(category, JSON.stringify([2, this.id(), action, payload]), true);
    }
  }

  /** A valid payload of an action only the CSMS sends: a station sending it gets NotSupported. */
  wrongDirection(): FuzzFrame {
    const { action, schema } = this.random.pick(this.csmsActions);
    return this.frame('csms-action-from-station', JSON.stringify([2, this.id(), action, minimal(schema, schema)]), true);
  }

  unknownAction(): FuzzFrame {
    const action = this.random.pick(['Teleport', 'heartbeat', 'BootNotification2', this.random.string(this.random.int(1, 40)), 'Start Transaction', '../../etc/passwd', '🔌']);
    return this.frame('unknown-action', JSON.stringify([2, this.id(), action, this.randomJsonObject(3)]), true);
  }

  /** CALL frames with the wrong number of elements, or the wrong type of action or payload. */
  badCallShape(): FuzzFrame {
    const id = this.id();
    const text = this.random.pick([
      `[2,"${id}"]`,
      `[2,"${id}","Heartbeat"]`,
      `[2,"${id}","Heartbeat",{},"extra"]`,
      `[2,"${id}",42,{}]`,
      `[2,"${id}","",{}]`,
      `[2,"${id}","Heartbeat",[]]`,
      `[2,"${id}","Heartbeat","{}"]`,
      `[2,"${id}","Heartbeat",null]`,
      `[2,"${id}",null,null]`,
    ]);
    return this.frame('bad-call-shape', text);
  }

  /** Message type ids that do not exist in this version (and non-numeric ones). */
  unknownMessageType(): FuzzFrame {
    const type = this.random.pick([0, 1, 5, 6, 7, 99, -2, 2.5, '2', 'CALL', true, null]);
    return this.frame('unknown-message-type', JSON.stringify([type, this.id(), 'Heartbeat', {}]));
  }

  /** CALLRESULTs and CALLERRORs, well-formed or not, for ids the server never sent: no answer. */
  strayAnswer(): FuzzFrame {
    const id = this.random.chance(0.5) ? this.id() : crypto.randomUUID();
    const text = this.random.pick([
      JSON.stringify([3, id, this.randomJsonObject(2)]),
      JSON.stringify([4, id, 'GenericError', 'stray', {}]),
      JSON.stringify([4, id, 'InternalError', 'no details']),
      JSON.stringify([3, id]),
      JSON.stringify([3, id, 'not an object']),
      JSON.stringify([3, id, {}, 'extra']),
      JSON.stringify([4, id]),
      JSON.stringify([4, id, 17, 'code is a number', {}]),
      JSON.stringify([4, id, 'GenericError', 'too', {}, 'many']),
    ]);
    return this.frame('stray-answer', text);
  }

  /** Frames whose message id cannot be read: the answer is a CALLERROR with id "-1". */
  unreadableId(): FuzzFrame {
    const text = this.random.pick([
      '[2,5,"Heartbeat",{}]',
      '[2,"","Heartbeat",{}]',
      '[2,null,"Heartbeat",{}]',
      '[3,{"id":"x"},{}]',
      '[]',
      '[2]',
      '{}',
      '{"0":2,"1":"x","2":"Heartbeat","3":{}}',
      '42',
      '"[2,\\"x\\",\\"Heartbeat\\",{}]"',
      'null',
      'true',
      '',
      ' ',
    ]);
    return this.frame('unreadable-id', text);
  }

  /** Random printable and non-ASCII text (valid UTF-8, so the websocket layer passes it on). */
  randomText(): FuzzFrame {
    const alphabet = '[]{}",:0123456789abcdefnrtul \\/\n\t-+.eE€ü😀\u0000\u2028';
    return this.frame('random-text', this.random.string(this.random.int(0, 300), alphabet));
  }

  /** Valid JSON with truncations and byte flips: mostly parse errors, sometimes odd but parseable frames. */
  mangledJson(): FuzzFrame {
    const base = JSON.stringify([2, this.id(), 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }]);
    const chars = [...base];
    const cuts = this.random.int(1, 4);
    for (let i = 0; i < cuts; i++) {
      const at = this.random.int(0, chars.length - 1);
      if (this.random.chance(0.5)) chars.splice(at, this.random.int(1, 5));
      else chars[at] = this.random.pick(['"', '[', ']', '{', '}', ',', ':', 'x', '\\']);
    }
    // A mangled frame that still parses may be a valid CALL (e.g. a digit changed); it is never sent then.
    const text = chars.join('');
    const expect = expectationFor(text, true);
    if (expect.kind === 'answer' && (() => {
      try {
        const m = JSON.parse(text);
        return m[0] === 2 && m.length === 4;
      } catch {
        return false;
      }
    })()) {
      return this.unreadableId();
    }
    return { category: 'mangled-json', data: text, binary: false, expect };
  }

  /** Very deep nesting, at the top or inside a payload (below 256 KiB). */
  deepNesting(): FuzzFrame {
    const depth = this.random.pick([100, 1_000, 10_000, 50_000]);
    const nested = '['.repeat(depth) + ']'.repeat(depth);
    const objectDepth = Math.min(depth, 20_000); // 6 bytes a level: stays under the size limit
    const deepObject = '{"a":'.repeat(objectDepth) + '1' + '}'.repeat(objectDepth);
    const text = this.random.pick([
      nested,
      `[2,"${this.id()}","Heartbeat",{"x":${nested}}]`,
      `[2,"${this.id()}","DataTransfer",{"vendorId":${deepObject}}]`,
      `[2,"${this.id()}","Authorize",${deepObject}]`,
      `[2,${nested},"Heartbeat",{}]`,
    ]);
    return this.frame('deep-nesting', text, true);
  }

  /** Large strings in ids, actions and payloads (below the size limit). */
  hugeStrings(): FuzzFrame {
    const big = (n: number) => 'H'.repeat(n);
    const size = this.random.pick([1_000, 30_000, 150_000]);
    const text = this.random.pick([
      JSON.stringify([2, this.id(), 'Authorize', { idTag: big(size) }]),
      JSON.stringify([2, this.id(), big(size), {}]),
      JSON.stringify([2, this.id(), 'DataTransfer', { vendorId: big(size) }]),
      JSON.stringify([2, this.id(), 'Heartbeat', { [big(size)]: 1 }]),
    ]);
    return this.frame('huge-string', text, true);
  }

  binary(): FuzzFrame {
    const bytes = this.random.chance(0.5)
      ? this.random.bytes(this.random.int(0, 2000))
      : Buffer.from(JSON.stringify([2, this.id(), 'Heartbeat', {}]));
    return { category: 'binary', data: bytes, binary: true, expect: { kind: 'minusOne' } };
  }

  /** One frame of a category picked at random. */
  next(): FuzzFrame {
    const makers: Array<[number, () => FuzzFrame]> = [
      [30, () => this.schemaViolation()],
      [5, () => this.wrongDirection()],
      [5, () => this.unknownAction()],
      [6, () => this.badCallShape()],
      [5, () => this.unknownMessageType()],
      [10, () => this.strayAnswer()],
      [6, () => this.unreadableId()],
      [10, () => this.randomText()],
      [10, () => this.mangledJson()],
      [3, () => this.deepNesting()],
      [3, () => this.hugeStrings()],
      [5, () => this.binary()],
    ];
    let roll = this.random.int(1, makers.reduce((sum, [w]) => sum + w, 0));
    for (const [weight, make] of makers) {
      roll -= weight;
      if (roll <= 0) return make();
    }
    return makers[0]![1]();
  }

  private randomJsonObject(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = this.random.int(0, 4); i > 0; i--) {
      const key = this.random.string(this.random.int(1, 8));
      const roll = this.random.int(0, 5);
      out[key] =
        roll === 0 ? this.random.int(-1e6, 1e6) : roll === 1 ? this.random.string(this.random.int(0, 20)) : roll === 2 ? this.random.chance(0.5) : roll === 3 ? null : depth > 0 ? this.randomJsonObject(depth - 1) : [];
    }
    return out;
  }
}
