import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { isAlive, reclaimPostmaster } from './postmaster-lock';

const logger = pino({ level: 'silent' });

describe('reclaimPostmaster', () => {
  let dir: string;
  let pgDir: string;
  let ownerFile: string;
  let fakePostgres: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'travesia-lock-'));
    pgDir = join(dir, 'pg');
    ownerFile = join(dir, 'pg-owner.pid');
    await mkdir(pgDir);
    // A process that the kernel names "postgres", standing in for a postmaster.
    fakePostgres = join(dir, 'postgres');
    await symlink('/bin/sleep', fakePostgres);
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const lockFile = () => join(pgDir, 'postmaster.pid');
  const writeLock = (pid: number) => writeFile(lockFile(), `${pid}\n${pgDir}\n`);
  const start = (command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    return child;
  };

  it('should do nothing without a lock file', async () => {
    await expect(reclaimPostmaster(pgDir, ownerFile, logger)).resolves.toBeUndefined();
  });

  it('should remove a lock file naming a dead process', async () => {
    // given
    const dead = start('true', []);
    await new Promise((resolve) => dead.once('exit', resolve));
    await writeLock(dead.pid!);

    // when
    await reclaimPostmaster(pgDir, ownerFile, logger);

    // then
    expect(existsSync(lockFile())).toBe(false);
  });

  it('should remove a lock file whose pid now belongs to another program', async () => {
    // given: this test runner is alive, and it is not PostgreSQL
    await writeLock(process.pid);

    // when
    await reclaimPostmaster(pgDir, ownerFile, logger);

    // then
    expect(existsSync(lockFile())).toBe(false);
  });

  it('should stop a postmaster orphaned by a crashed owner', async () => {
    // given
    const orphan = start(fakePostgres, ['30']);
    await writeLock(orphan.pid!);
    await writeFile(ownerFile, '999999\n');

    // when
    await reclaimPostmaster(pgDir, ownerFile, logger);

    // then
    expect(isAlive(orphan.pid!)).toBe(false);
  });

  it('should refuse to touch a postmaster whose owner is still running it', async () => {
    // given: a live owner (the shell) and its postmaster (its child)
    const owner = start('sh', ['-c', `"${fakePostgres}" 30 & echo $!; wait`]);
    const postmaster = await new Promise<number>((resolve) => owner.stdout!.once('data', (data) => resolve(Number(String(data)))));
    // `$!` is known before the forked shell has exec'd the fake postgres: wait until it has.
    for (let i = 0; i < 200 && !(await readFile(`/proc/${postmaster}/comm`, 'utf8').catch(() => '')).startsWith('postgres'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await writeLock(postmaster);
    await writeFile(ownerFile, `${owner.pid}\n`);

    // when
    const reclaiming = reclaimPostmaster(pgDir, ownerFile, logger);

    // then
    await expect(reclaiming).rejects.toThrow(`belongs to another running process (pid ${owner.pid})`);
    expect(isAlive(postmaster)).toBe(true);
    process.kill(postmaster, 'SIGKILL');
  });
});
