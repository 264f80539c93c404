// Every stored meter value paid for two index entries at scattered places: one by station, EVSE and time, one
// by transaction. A session's samples are now found through the station index, within the session's time
// (TransactionsRepo.sessionSamples); the live readings keep their own small partial index (migration 016).
// Replaying the benchmark's inserts: 29 µs of CPU per stored value with both indexes, 18 µs with one.
export default `
DROP INDEX IF EXISTS meter_values_by_transaction;
`;
