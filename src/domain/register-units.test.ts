import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseSample } from './meter.ts';
import { looksLikeKwh, registersFromKwh } from './register-units.ts';

const at = '2026-11-24T10:00:00.000Z';
const sample = (value: string, unit?: string, measurand = 'Energy.Active.Import.Register') => normaliseSample({ timestamp: at, measurand, value, ...(unit ? { unit } : {}) });

describe('energy registers sent in kWh but labelled Wh', () => {
  it('are found against a 1.6 meterStart when the ratio is unmistakable', () => {
    assert.equal(looksLikeKwh([sample('1234.6', 'Wh')], 1_234_567), 1234.6);
    assert.equal(looksLikeKwh([sample('1234.5')], 1_234_567), 1234.5, 'no unit is Wh by default; 0.1 kWh of rounding below meterStart');
    assert.equal(looksLikeKwh([sample('1234.6', 'Wh')], 9_000), undefined, 'meterStart too small to tell');
    assert.equal(looksLikeKwh([sample('1234700', 'Wh')], 1_234_567), undefined, 'a register in Wh');
    assert.equal(looksLikeKwh([sample('1234.7', 'kWh')], 1_234_567), undefined, 'labelled right');
    assert.equal(looksLikeKwh([sample('5', 'Wh')], 1_234_567), undefined, 'a meter reset, not a thousandth');
    assert.equal(looksLikeKwh([sample('2300', 'Wh')], 1_234_567), undefined, 'more than 1 MWh past meterStart');
    assert.equal(looksLikeKwh([sample('1234.6', 'Wh')], null), undefined);
    assert.equal(looksLikeKwh([sample('11000', 'W', 'Power.Active.Import')], 1_234_567), undefined, 'only the energy register counts');
  });

  it('are read as kWh: registers only, the station’s value and unit kept raw', () => {
    const [register, power, labelled] = registersFromKwh([sample('12.5', 'Wh'), sample('7400', 'W', 'Power.Active.Import'), sample('3', 'kWh')]);
    assert.deepEqual([register!.value, register!.unit, register!.rawValue, register!.rawUnit], [12_500, 'Wh', '12.5', 'Wh']);
    assert.equal(power!.value, 7400);
    assert.equal(labelled!.value, 3000, 'kWh as labelled is already scaled once');
    // OCPP 2.x: Wh with multiplier 3 is a kWh reading the station declared; it is right already.
    const declared = { ...sample('12.5', 'Wh'), value: 12_500 };
    assert.equal(registersFromKwh([declared])[0]!.value, 12_500);
  });
});
