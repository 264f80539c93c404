import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const mainScript = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface ChildServer {
  port: number;
  baseUrl: string;
  /** ws://127.0.0.1:PORT/ocpp (the station id is appended). */
  ocppUrl: string;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** kill -9: no shutdown code runs, as in a power cut. */
  crash(): Promise<void>;
  /** SIGTERM and wait for the clean shutdown. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `ampyard` from source (`node src/main.ts`) as a child process on 127.0.0.1, for tests that must kill
 * the server without letting it clean up. Resolves once it prints that it is ready.
 */
export function startChildServer(options: { dataDir: string; port?: number; args?: string[]; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number }): Promise<ChildServer> {
  // As startTestServer: stations may connect without credentials and no fixed TLS port is taken (both overridable in `args`).
  const args = [mainScript, '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--tls-port', '0', '--allow-profile0', '--data-dir', options.dataDir, ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server not ready within ${options.readyTimeoutMs ?? 15_000} ms:\n${output}`));
    }, options.readyTimeoutMs ?? 15_000);
    const onData = () => {
      const port = /ready in[\s\S]*http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        port: Number(port),
        baseUrl: `http://127.0.0.1:${port}`,
        ocppUrl: `ws://127.0.0.1:${port}/ocpp`,
        process: child,
        output: () => output,
        exited,
        async crash() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

/** Runs `ampyard <args>` (a tool such as backup or restore) to completion. */
export function runAmpyard(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [mainScript, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
