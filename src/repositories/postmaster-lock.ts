import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

const STOP_TIMEOUT_MS = 30_000;
const POLL_MS = 100;

/**
 * Clears what a previous run of the embedded PostgreSQL may have left in its data directory, so
 * that PostgreSQL can start. PostgreSQL refuses to start while `postmaster.pid` names a live
 * process. Two leftovers are ours to clear:
 * - an orphaned postmaster: when the service is killed (kill -9, OOM), its PostgreSQL keeps
 *   running without an owner, holding the lock and the port. It is shut down (fast mode, which
 *   is a clean shutdown) so that this process can start and own a fresh one;
 * - a stale lock file naming a dead process, or one that now belongs to an unrelated program
 *   (pids are reused after a reboot or container restart). It is removed.
 * A postmaster whose owner (recorded in `ownerFile`) is alive and still its parent belongs to
 * another running service: that is an error, never something to stop.
 */
export async function reclaimPostmaster(pgDir: string, ownerFile: string, logger: Logger): Promise<void> {
  const lockFile = join(pgDir, 'postmaster.pid');
  const pid = await readPid(lockFile);
  if (pid === undefined) return;

  if (!isAlive(pid) || !isPostgres(pid)) {
    logger.warn({ postmasterPid: pid, lockFile }, 'removing a stale PostgreSQL lock file left by a previous run');
    await rm(lockFile, { force: true });
    return;
  }

  const owner = await readPid(ownerFile);
  const parent = parentOf(pid);
  if (owner !== undefined && owner !== process.pid && isAlive(owner) && (parent === undefined || parent === owner)) {
    throw new Error(
      `The embedded PostgreSQL in ${pgDir} (pid ${pid}) belongs to another running process (pid ${owner}). ` +
        'Stop that process, or give this one another DATA_DIR or a DATABASE_URL.',
    );
  }

  logger.warn({ postmasterPid: pid }, 'stopping the PostgreSQL left running by a previous run that did not shut down');
  await stopProcess(pid);
}

/** Reads the pid on the first line of a pid file; undefined when there is none. */
export async function readPid(file: string): Promise<number | undefined> {
  const content = await readFile(file, 'utf8').catch(() => undefined);
  const pid = Number.parseInt(content?.split('\n', 1)[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether the process runs (zombies waiting to be reaped do not count). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return procStat(pid)?.state !== 'Z';
}

/** Fast shutdown (SIGINT), then immediate shutdown (SIGQUIT) if it hangs. */
async function stopProcess(pid: number): Promise<void> {
  for (const signal of ['SIGINT', 'SIGQUIT'] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, STOP_TIMEOUT_MS)) return;
  }
  throw new Error(`The PostgreSQL left running by a previous run (pid ${pid}) did not stop; stop it by hand.`);
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return !isAlive(pid);
}

// Without /proc (macOS) the process is assumed to be PostgreSQL: refusing is safer than removing a live lock.
function isPostgres(pid: number): boolean {
  const stat = procStat(pid);
  return stat === undefined || stat.command.startsWith('postgres');
}

function parentOf(pid: number): number | undefined {
  return procStat(pid)?.parent;
}

// /proc/<pid>/stat is "pid (command) state ppid …"; the command may itself contain spaces or ")".
function procStat(pid: number): { command: string; state: string; parent: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const [state, parent] = stat.slice(close + 2).split(' ');
  return { command: stat.slice(open + 1, close), state, parent: Number(parent) };
}
