/**
 * Where a three-phase energy meter keeps its per-phase currents (and powers), as data: a preset names a known
 * meter's map, a site may give its own. Addresses are 0-based protocol addresses (register 30007 = input 6).
 */
export type RegisterType = 'float32' | 'int32' | 'uint32' | 'int16' | 'uint16';

export interface RegisterField {
  address: number;
  type: RegisterType;
  /** 32-bit values: which 16-bit word comes first. Default `high` (big-endian, Modbus' own order). */
  wordOrder?: 'high' | 'low';
  /** The raw value times this is the value in A (or W). Default 1. */
  scale?: number;
}

export interface RegisterMap {
  /** Function 04 (input registers) or 03 (holding registers). */
  table: 'input' | 'holding';
  /** L1, L2, L3 current. */
  currentA: [RegisterField, RegisterField, RegisterField];
  /** L1, L2, L3 active power (optional, shown with the reading). */
  powerW?: [RegisterField, RegisterField, RegisterField];
}

const float = (address: number): RegisterField => ({ address, type: 'float32' });
const em24 = (address: number, scale: number): RegisterField => ({ address, type: 'int32', wordOrder: 'low', scale });

export const METER_PRESETS: Record<string, RegisterMap> = {
  /** Eastron SDM630 (Modbus V2): IEEE 754 floats, high word first; phase currents at 30007/9/11, powers at 30013/15/17. */
  'eastron-sdm630': {
    table: 'input',
    currentA: [float(0x0006), float(0x0008), float(0x000a)],
    powerW: [float(0x000c), float(0x000e), float(0x0010)],
  },
  /** Carlo Gavazzi EM24-DIN: INT32, least significant word first; A L1-3 at 000Ch… in mA, W L1-3 at 0012h… in W×10. */
  'carlo-gavazzi-em24': {
    table: 'holding',
    currentA: [em24(0x000c, 0.001), em24(0x000e, 0.001), em24(0x0010, 0.001)],
    powerW: [em24(0x0012, 0.1), em24(0x0014, 0.1), em24(0x0016, 0.1)],
  },
};

export function registerWords(type: RegisterType): number {
  return type === 'int16' || type === 'uint16' ? 1 : 2;
}

/** The fields of a map, in one list. */
export function fieldsOf(map: RegisterMap): RegisterField[] {
  return [...map.currentA, ...(map.powerW ?? [])];
}

/** Reads one field from the registers of a block read starting at `start`. */
export function decodeField(block: Buffer, start: number, field: RegisterField): number {
  const offset = (field.address - start) * 2;
  let raw: number;
  if (registerWords(field.type) === 1) {
    raw = field.type === 'int16' ? block.readInt16BE(offset) : block.readUInt16BE(offset);
  } else {
    const bytes = Buffer.alloc(4);
    if ((field.wordOrder ?? 'high') === 'high') block.copy(bytes, 0, offset, offset + 4);
    else {
      block.copy(bytes, 0, offset + 2, offset + 4);
      block.copy(bytes, 2, offset, offset + 2);
    }
    raw = field.type === 'float32' ? bytes.readFloatBE(0) : field.type === 'int32' ? bytes.readInt32BE(0) : bytes.readUInt32BE(0);
  }
  return raw * (field.scale ?? 1);
}

/** The one block of registers that holds every field (a meter's map is compact; at most 125 registers). */
export function blockOf(map: RegisterMap): { start: number; count: number } {
  const fields = fieldsOf(map);
  const start = Math.min(...fields.map((f) => f.address));
  const end = Math.max(...fields.map((f) => f.address + registerWords(f.type)));
  return { start, count: end - start };
}

export function registerMapProblems(map: RegisterMap, field = 'registers'): Array<{ field: string; message: string }> {
  const { count } = blockOf(map);
  return count > 125 ? [{ field, message: `the fields span ${count} registers; at most 125 can be read at once` }] : [];
}
