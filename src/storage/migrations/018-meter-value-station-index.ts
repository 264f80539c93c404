// The unique index of migration 10 made every stored sample pay for a uniqueness check and a wide expression
// key (measured: most of the cost of storing a meter value on a busy site). Re-sent readings are now found by
// TransactionsRepo.insertSamples, which checks only readings not newer than the EVSE's newest stored one,
// through this narrower index; it also serves a station's series and exports in station, EVSE and time order.
export default `
CREATE INDEX meter_values_by_station ON meter_values (station_id, evse_id, timestamp);
DROP INDEX meter_values_reading;
`;
