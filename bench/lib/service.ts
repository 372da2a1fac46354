import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const ROOT = join(__dirname, '..', '..', '..');

export interface PostgresServer {
  /** A superuser connection to the server's `postgres` database, for creating databases. */
  url: string;
  stop(): Promise<void>;
}

export interface BenchService {
  grpcAddress: string;
  httpUrl: string;
  pid: number;
  /** The service's own (fresh) database. */
  databaseUrl: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The PostgreSQL server the benchmarks create their databases on: BENCH_DATABASE_URL, or else
 * the embedded PostgreSQL of a throwaway service (ROLE=api) in a temporary data directory —
 * so `npm run bench` needs nothing installed.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return { url: given, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'travesia-bench-'));
  const port = await freePort();
  const child = await spawnService({ ROLE: 'api', DATA_DIR: dir, EMBEDDED_PG_PORT: String(port) });
  const password = readFileSync(join(dir, 'pg-password'), 'utf8').trim();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the built service (dist/src/main.js) as a separate process, the way a user runs it,
 * on a fresh database of `server`.
 */
export async function startService(server: string, env: Record<string, string> = {}): Promise<BenchService> {
  const name = `travesia_bench_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  await onServer(server, `create database ${name}`);
  const databaseUrl = `${server.replace(/\/[^/]*$/, '')}/${name}`;
  const grpcPort = await freePort();
  const child = await spawnService({ ROLE: 'engine', ...env, DATABASE_URL: databaseUrl, ENGINE_GRPC_PORT: String(grpcPort) });
  return {
    grpcAddress: `grpc://127.0.0.1:${grpcPort}`,
    httpUrl: child.httpUrl,
    pid: child.pid,
    databaseUrl,
    stop: async () => {
      await child.stop();
      await onServer(server, `drop database if exists ${name} with (force)`);
    },
  };
}

async function spawnService(env: Record<string, string>): Promise<{ httpUrl: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  // BENCH_SERVICE_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the service.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env, PORT: String(port) },
    stdio: ['ignore', process.env.BENCH_SERVICE_LOGS ? 'inherit' : 'ignore', 'inherit'],
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  await waitHealthy(httpUrl, child);
  return {
    httpUrl,
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('the service exited during start');
    try {
      if ((await fetch(`${url}/api/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the service did not become healthy within 120 s');
}

export async function onServer(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
