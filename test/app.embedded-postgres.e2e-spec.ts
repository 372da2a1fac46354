import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { isAlive, readPid } from '../src/repositories/postmaster-lock';
import { findFreePort } from '../src/repositories/tcp-port';
import { createDataDir, type DataDir } from './helpers/data-dir';
import { runServiceProcess, type ServiceProcess, startServiceProcess } from './helpers/service-process';

/** The service as `npm start` runs it with no DATABASE_URL: on a PostgreSQL it starts itself in DATA_DIR. */
describe('Travesía on its embedded PostgreSQL (e2e)', () => {
  let dataDir: DataDir;
  let pgPort: number;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    dataDir = await createDataDir();
    pgPort = await findFreePort();
  });

  // A failed test must not leave its service holding DATA_DIR for the next one.
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.stop('SIGTERM')));
  });

  afterAll(() => dataDir?.remove());

  const start = async () => {
    const service = await startServiceProcess({ DATA_DIR: dataDir.path, EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'warn' });
    services.push(service);
    return service;
  };
  const postmasterPidFile = () => join(dataDir.path, 'pg', 'postmaster.pid');
  const query = async (sql: string) => {
    const password = (await readFile(join(dataDir.path, 'pg-password'), 'utf8')).trim();
    const client = new Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password, database: 'travesia' });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it('should create the cluster on first start and keep its data across a restart and a kill -9', async () => {
    // given a first start on an empty DATA_DIR
    const first = await start();
    const health = await request(first.url).get('/api/health').expect(200);
    expect(health.body.components.database.status).toBe('up');
    expect(existsSync(join(dataDir.path, 'pg', 'PG_VERSION'))).toBe(true);
    await query("CREATE TABLE survivor (note text); INSERT INTO survivor VALUES ('kept')");
    const migrations = await query('SELECT name FROM travesia_migrations ORDER BY id');
    expect(migrations).toContainEqual({ name: 'CreateTravesiaSchema1763990000000' });

    // when it stops on SIGTERM
    expect(await first.stop('SIGTERM')).toBe(0);

    // then PostgreSQL stopped with it
    expect(existsSync(postmasterPidFile())).toBe(false);

    // when it starts again
    const second = await start();

    // then the data and the applied migrations are still there
    expect(await query('SELECT note FROM survivor')).toEqual([{ note: 'kept' }]);
    expect(await query('SELECT name FROM travesia_migrations ORDER BY id')).toEqual(migrations);

    // when it is killed, its PostgreSQL is left running with the lock…
    const orphan = (await readPid(postmasterPidFile()))!;
    await second.stop('SIGKILL');
    expect(isAlive(orphan)).toBe(true);

    // …then the next start stops that orphan and runs on the same data
    const third = await start();
    expect(isAlive(orphan)).toBe(false);
    expect(await query('SELECT note FROM survivor')).toEqual([{ note: 'kept' }]);
    expect(await third.stop('SIGINT')).toBe(0);
    expect(existsSync(postmasterPidFile())).toBe(false);
  });

  it('should refuse to share DATA_DIR with a running service', async () => {
    // given
    const owner = await start();

    // when
    const intruder = await runServiceProcess({ DATA_DIR: dataDir.path, EMBEDDED_PG_PORT: String(await findFreePort()), PORT: '0' });

    // then
    expect(intruder.code).toBe(1);
    expect(intruder.stderr).toContain(`belongs to another running process (pid ${owner.child.pid})`);
    await request(owner.url).get('/api/health').expect(200);
    expect(await owner.stop('SIGTERM')).toBe(0);
  });
});
