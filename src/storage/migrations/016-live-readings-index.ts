// The load balancer reads the newest currents, power and SoC of a running session on every meter value.
// Through meter_values_by_transaction that walks every sample of the session (mostly energy registers), so
// each reading cost more the longer a session ran. This partial index holds only the rows it wants; chargers
// that report energy alone add nothing to it.
export default `
CREATE INDEX meter_values_live ON meter_values (transaction_id, timestamp)
  WHERE transaction_id IS NOT NULL AND value IS NOT NULL AND measurand IN ('Current.Import', 'Power.Active.Import', 'SoC');
`;
