import { chmod, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';

/**
 * Started as root, the embedded PostgreSQL runs as the `postgres` user, which must be able to
 * reach its binaries (in node_modules) and its data directory. A project checked out under a
 * private directory (a 0700 home or `mktemp -d`) would stop it with EACCES. Each directory on
 * the way gets the "others may traverse" bit (o+x: entering, not listing), and it is logged.
 */
export async function letPostgresUserReach(paths: string[], logger: Logger): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const done = new Set<string>();
  for (const path of paths) {
    for (let dir = resolve(path); !done.has(dir); dir = dirname(dir)) {
      done.add(dir);
      const info = await stat(dir).catch(() => undefined);
      if (info?.isDirectory() && (info.mode & 0o001) === 0) {
        await chmod(dir, (info.mode & 0o7777) | 0o001);
        logger.info({ dir }, 'made directory traversable for the postgres user');
      }
      if (dirname(dir) === dir) break;
    }
  }
}
