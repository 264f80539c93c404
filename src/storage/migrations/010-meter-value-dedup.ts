// A charger re-sends a transaction's MeterValues when it never got our answer (lost connection, or Ampyard
// killed between commit and answer): the same reading must not be stored twice. The unique key is the
// reading's identity; phase/location/context may be absent, so they are compared through COALESCE.
export default `
DELETE FROM meter_values WHERE id NOT IN (
  SELECT MIN(id) FROM meter_values
  GROUP BY station_id, evse_id, timestamp, measurand, COALESCE(phase, ''), COALESCE(location, ''), COALESCE(context, '')
);
DROP INDEX IF EXISTS meter_values_by_station;
CREATE UNIQUE INDEX meter_values_reading ON meter_values (
  station_id, evse_id, timestamp, measurand, COALESCE(phase, ''), COALESCE(location, ''), COALESCE(context, '')
);
`;
