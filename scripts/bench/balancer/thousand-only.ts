/**
 * Only the 1,000-EVSE timing of `npm run bench:balancer` (no scenarios, solver or OCPP replay), one JSON line:
 * node scripts/bench/balancer/thousand-only.ts
 */
import { round, type Timing } from './stats.ts';
import { thousandEvseTiming } from './thousand-timing.ts';

const rounded = (t: Timing) => ({ meanMs: round(t.meanMs), p50Ms: round(t.p50Ms), p99Ms: round(t.p99Ms), maxMs: round(t.maxMs), cycles: t.count });
const big = thousandEvseTiming();
console.log(JSON.stringify({ evses: big.evses, cpu: rounded(big.cpu), wall: rounded(big.wall), replanCpu: rounded(big.replanCpu), replanWall: rounded(big.replanWall), violations: big.violations }));
