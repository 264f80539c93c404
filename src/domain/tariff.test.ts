import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costOf, costText, tariffText, type Tariff } from './tariff.ts';

const tariff: Tariff = { id: 1, groupId: null, name: 'Depot', currency: 'EUR', pricePerKwh: 0.3, pricePerHour: 1.2, sessionFee: 0.5, message: null, createdAt: '', updatedAt: '' };

describe('tariff arithmetic and texts', () => {
  it('fee + energy + time, rounded to cents', () => {
    assert.equal(costOf(tariff, 15_000, 5400), 6.8);
    assert.equal(costOf(tariff, 0, 0), 0.5);
    assert.equal(costOf({ pricePerKwh: 0.333, pricePerHour: 0, sessionFee: 0 }, 1000, 0), 0.33);
  });

  it('the driver sees the tariff’s own message, or its non-zero prices', () => {
    assert.equal(tariffText(tariff), 'Depot: 0.30 EUR/kWh + 1.20 EUR/h + 0.50 EUR per session');
    assert.equal(tariffText({ ...tariff, pricePerHour: 0, sessionFee: 0 }), 'Depot: 0.30 EUR/kWh');
    assert.equal(tariffText({ ...tariff, pricePerKwh: 0, pricePerHour: 0, sessionFee: 0 }), 'Depot: free');
    assert.equal(tariffText({ ...tariff, message: 'Fleet rate' }), 'Fleet rate');
    assert.equal(
      costText({ transactionId: 1, tariff, currency: 'EUR', totalCost: 6.8, energyWh: 15_000, durationSeconds: 5400, final: true, computedAt: '', sentAt: null, sentCost: null }),
      'Total 6.80 EUR (15.00 kWh, 1 h 30 min)',
    );
  });
});
