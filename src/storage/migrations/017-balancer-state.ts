// What the load-management driver must not forget over a restart (one row, JSON): the allocation core's memory
// (pause-rotation fairness, cars found drawing less and when to probe them, phases seen, the deadline plan) and
// the session energy at which each EV's reported needs count (else a restart would count the need again).
export default `
CREATE TABLE balancer_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  state TEXT NOT NULL,
  saved_at TEXT NOT NULL
);
`;
