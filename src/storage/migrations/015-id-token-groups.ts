export default `
CREATE TABLE id_token_groups (
  id TEXT PRIMARY KEY,
  label TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;
