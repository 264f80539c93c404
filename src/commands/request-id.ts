/** Request ids for OCPP 2.x messages that carry one: unique across restarts without a stored counter. */
let last = Math.floor(Date.now() / 1000) % 1_000_000_000;

export function nextRequestId(): number {
  last = (last + 1) % 2_147_483_647;
  return last;
}
