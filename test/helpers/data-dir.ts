import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, readPid } from '../../src/repositories/postmaster-lock';

export interface DataDir {
  readonly path: string;
  /** Stops any PostgreSQL still running from it, then deletes it. */
  remove(): Promise<void>;
}

/** A temporary DATA_DIR for a service under test. */
export async function createDataDir(): Promise<DataDir> {
  const path = await mkdtemp(join(tmpdir(), 'travesia-data-'));
  // Under root, the embedded PostgreSQL runs as the `postgres` user, which must reach the cluster inside.
  await chmod(path, 0o755);
  return {
    path,
    remove: async () => {
      const postmaster = await readPid(join(path, 'pg', 'postmaster.pid'));
      if (postmaster !== undefined && isAlive(postmaster)) {
        process.kill(postmaster, 'SIGQUIT');
        await until(() => !isAlive(postmaster), 10_000);
      }
      await rm(path, { recursive: true, force: true });
    },
  };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
