/**
 * Puts the churning stations under Ampyard's load balancer through the REST API, as a depot manager would:
 * an admin API token made with the executable's own tools, one circuit, and each station on it.
 */
import { spawnSync } from 'node:child_process';

const BENCH_USER = 'bench';
export const BENCH_CIRCUIT = 'bench-circuit';

function tool(executable: string, args: string[], env: NodeJS.ProcessEnv): string {
  const run = spawnSync(executable, args, { env, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`ampyard ${args.slice(0, 2).join(' ')} failed (${run.status ?? run.signal}): ${run.stderr.trim()}`);
  return run.stdout;
}

/** An admin API token for a data folder (`ampyard users add` and `ampyard tokens create`); before the server starts. */
export function createApiToken(executable: string, dataDir: string): string {
  const env = { ...process.env, AMPYARD_PASSWORD: 'benchmark-only-password' };
  tool(executable, ['users', 'add', BENCH_USER, '--role', 'admin', '--data-dir', dataDir], env);
  return tool(executable, ['tokens', 'create', BENCH_USER, '--name', 'benchmark', '--data-dir', dataDir], env).trim();
}

/** One circuit of `limitA` per phase with every given station on it, so that their sessions share it. */
export async function putStationsOnCircuit(baseUrl: string, token: string, stationIds: string[], limitA: number): Promise<void> {
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };
  await call('POST', '/api/v1/site/circuits', { id: BENCH_CIRCUIT, name: 'benchmark churn', limitA });
  for (let i = 0; i < stationIds.length; i += 20) {
    await Promise.all(stationIds.slice(i, i + 20).map((id) => call('PUT', `/api/v1/stations/${encodeURIComponent(id)}/electrical`, { circuitId: BENCH_CIRCUIT })));
  }
}
