import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alarmEffect, alarmKey } from './station-event.ts';

describe('which station events are alarms', () => {
  const effect = (trigger: string, variable: string, actualValue: string, cleared: boolean | null = null) => alarmEffect({ trigger, variable, actualValue, cleared });

  it('threshold monitors raise until cleared; problem flags and Faulted raise and clear by value; readings do neither', () => {
    assert.equal(effect('Alerting', 'Power', '23000'), 'raise');
    assert.equal(effect('Alerting', 'Power', '21000', true), 'clear');
    assert.equal(effect('Alerting', 'Power', '23000', false), 'raise');
    assert.equal(effect('Delta', 'Problem', 'true'), 'raise');
    assert.equal(effect('Delta', 'Problem', 'FALSE'), 'clear');
    assert.equal(effect('Delta', 'Tripped', ' True '), 'raise');
    assert.equal(effect('Delta', 'AvailabilityState', 'Faulted'), 'raise');
    assert.equal(effect('Delta', 'AvailabilityState', 'Available'), 'clear');
    assert.equal(effect('Delta', 'Power', '11000'), null, 'a delta monitor on a measurement is a reading');
    assert.equal(effect('Periodic', 'Problem', 'true'), null);
  });

  it('the same variable of the same component (instance, EVSE, connector) is one alarm', () => {
    const ref = { component: 'Connector', componentInstance: null, evseId: 1, connectorId: 1, variable: 'Problem', variableInstance: null };
    assert.equal(alarmKey(ref), alarmKey({ ...ref }));
    assert.notEqual(alarmKey(ref), alarmKey({ ...ref, connectorId: 2 }));
    assert.notEqual(alarmKey(ref), alarmKey({ ...ref, evseId: null }));
  });
});
