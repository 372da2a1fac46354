import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface BenchService {
  grpcAddress: string;
  httpUrl: string;
  pid: number;
  /** The service's database, for checking what the engine recorded. */
  databaseUrl: string;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..', '..');

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
 * Starts the built service (dist/src/main.js) with ROLE=engine as a separate process, the way
 * a user runs it: on a fresh database of the server in BENCH_DATABASE_URL, or on its own
 * embedded PostgreSQL in a temporary data directory when that is unset.
 */
export async function startService(options: { role?: string } = {}): Promise<BenchService> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ROLE: options.role ?? 'engine',
    LOG_LEVEL: 'warn',
    PORT: String(await freePort()),
    ENGINE_GRPC_PORT: String(await freePort()),
  };
  const cleanups: (() => Promise<void>)[] = [];
  const server = process.env.BENCH_DATABASE_URL;
  if (server) {
    const name = `travesia_bench_${Date.now().toString(36)}`;
    await onServer(server, `create database ${name}`);
    env.DATABASE_URL = `${server.replace(/\/[^/]*$/, '')}/${name}`;
    cleanups.push(() => onServer(server, `drop database if exists ${name} with (force)`));
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'travesia-bench-'));
    env.DATA_DIR = dir;
    env.EMBEDDED_PG_PORT = String(await freePort());
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  }
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const httpUrl = `http://127.0.0.1:${env.PORT}`;
  await waitHealthy(httpUrl, child);
  const databaseUrl =
    env.DATABASE_URL ??
    `postgres://postgres:${readFileSync(join(env.DATA_DIR, 'pg-password'), 'utf8').trim()}@127.0.0.1:${env.EMBEDDED_PG_PORT}/travesia`;
  return {
    databaseUrl,
    grpcAddress: `grpc://127.0.0.1:${env.ENGINE_GRPC_PORT}`,
    httpUrl,
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      for (const cleanup of cleanups) await cleanup();
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

async function onServer(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
