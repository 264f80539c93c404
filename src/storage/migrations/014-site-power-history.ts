export default `
CREATE TABLE site_power_history (
  minute INTEGER PRIMARY KEY,
  samples INTEGER NOT NULL,
  power_w REAL NOT NULL,
  power_max_w REAL NOT NULL,
  l1_a REAL NOT NULL,
  l2_a REAL NOT NULL,
  l3_a REAL NOT NULL,
  limit_w REAL,
  limit_a REAL,
  building_w REAL
) WITHOUT ROWID;
`;
