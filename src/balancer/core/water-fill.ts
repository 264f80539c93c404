export interface FillItem {
  /** Where the item starts (already reserved) and the most it wants. */
  base: number;
  want: number;
  /** Constraint indices and the capacity one ampere of this item uses in each. */
  constraints: number[];
  coefs: number[];
}

export interface FillResult {
  alloc: Float64Array;
  /** The constraint that stopped each item, or -1 when it got what it wanted. */
  frozenBy: Int32Array;
}

const EPS = 1e-6;

/**
 * Max-min fair progressive filling: a common water level rises; every item sits at max(base, min(level, want))
 * until a constraint it uses runs out, which freezes every item using it. `slack` (remaining capacity per
 * constraint) is reduced by what is handed out.
 */
export function waterFill(items: FillItem[], slack: Float64Array): FillResult {
  const n = items.length;
  const alloc = new Float64Array(n);
  const frozenBy = new Int32Array(n).fill(-1);
  // 0 waiting for the level to reach its base, 1 rising, 2 done
  const phase = new Uint8Array(n);
  const weight = new Float64Array(slack.length);
  const saturated = new Uint8Array(slack.length);
  const users: number[][] = [];
  const touched: number[] = [];
  const live: number[] = [];
  for (let i = 0; i < n; i++) {
    const item = items[i]!;
    alloc[i] = item.base;
    if (item.want <= item.base + EPS) {
      phase[i] = 2;
      continue;
    }
    live.push(i);
    for (const k of item.constraints) {
      let list = users[k];
      if (!list) {
        list = users[k] = [];
        touched.push(k);
        if (slack[k]! <= EPS) saturated[k] = 1;
      }
      list.push(i);
    }
  }
  const byBase = [...live].sort((a, b) => items[a]!.base - items[b]!.base);
  const byWant = [...live].sort((a, b) => items[a]!.want - items[b]!.want);

  const finish = (i: number, level: number, by: number) => {
    const item = items[i]!;
    if (phase[i] === 1) for (let j = 0; j < item.constraints.length; j++) weight[item.constraints[j]!]! -= item.coefs[j]!;
    phase[i] = 2;
    alloc[i] = Math.max(item.base, Math.min(level, item.want));
    frozenBy[i] = by;
  };
  /** Starts the item rising; false when a constraint it uses is already exhausted (it stays at its base). */
  const start = (i: number, level: number): boolean => {
    const item = items[i]!;
    for (const k of item.constraints) {
      if (saturated[k]) {
        finish(i, level, k);
        return false;
      }
    }
    phase[i] = 1;
    for (let j = 0; j < item.constraints.length; j++) weight[item.constraints[j]!]! += item.coefs[j]!;
    return true;
  };

  let level = byBase.length ? items[byBase[0]!]!.base : 0;
  let nextBase = 0;
  let nextWant = 0;
  let active = 0;
  for (;;) {
    while (nextBase < byBase.length && items[byBase[nextBase]!]!.base <= level + EPS) {
      const i = byBase[nextBase++]!;
      if (phase[i] !== 0) continue;
      if (start(i, level)) active++;
    }
    while (nextWant < byWant.length && (phase[byWant[nextWant]!] === 2 || items[byWant[nextWant]!]!.want <= level + EPS)) {
      const i = byWant[nextWant++]!;
      if (phase[i] === 1) {
        finish(i, level, -1);
        active--;
      }
    }
    if (!active && nextBase >= byBase.length) break;
    let next = Infinity;
    if (nextBase < byBase.length) next = items[byBase[nextBase]!]!.base;
    if (nextWant < byWant.length) next = Math.min(next, items[byWant[nextWant]!]!.want);
    if (active) {
      for (const k of touched) {
        const w = weight[k]!;
        if (w > EPS) next = Math.min(next, level + slack[k]! / w);
      }
    }
    if (next < level) next = level;
    if (active && next > level) {
      const delta = next - level;
      for (const k of touched) {
        const w = weight[k]!;
        if (w > EPS) slack[k]! -= delta * w;
      }
    }
    level = next;
    if (!active) continue;
    for (const k of touched) {
      if (weight[k]! <= EPS || slack[k]! > EPS) continue;
      saturated[k] = 1;
      for (const i of users[k]!) {
        if (phase[i] === 1) {
          finish(i, level, k);
          active--;
        }
      }
    }
  }
  return { alloc, frozenBy };
}
