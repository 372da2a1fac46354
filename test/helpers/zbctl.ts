import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** zbctl from the npm package `zbctl` (a Go binary per platform), as a second, non-JS Zeebe client. */
export const ZBCTL_BINARY = path.join(
  path.dirname(require.resolve('zbctl/package.json')),
  'bin',
  process.platform === 'darwin' ? 'zbctl-cli.darwin' : process.platform === 'win32' ? 'zbctl-cli.exe' : 'zbctl-cli.linux',
);

export interface ZbctlResult {
  /** Process exit code (zbctl exits 1 on any error). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface ZbctlOptions {
  /** zbctl's own --requestTimeout (the gRPC deadline of the command), e.g. '3s'. */
  requestTimeout?: string;
  /** Kill the process after this long; default 20 s. */
  killAfterMs?: number;
}

/**
 * Runs zbctl in plaintext against `address` (grpc://host:port or host:port) and resolves with
 * its exit code and output; never rejects on a non-zero exit.
 */
export function zbctl(address: string, args: string[], options: ZbctlOptions = {}): Promise<ZbctlResult> {
  const target = address.replace(/^grpcs?:\/\//, '');
  const global = ['--insecure', '--address', target, ...(options.requestTimeout ? ['--requestTimeout', options.requestTimeout] : [])];
  return new Promise((resolve, reject) => {
    execFile(
      ZBCTL_BINARY,
      [...args, ...global],
      { timeout: options.killAfterMs ?? 20_000, env: withoutZeebeSettings(process.env) },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Runs zbctl and parses its JSON output; fails with zbctl's stderr when it exits non-zero. */
export async function zbctlJson<T = Record<string, unknown>>(address: string, args: string[], options: ZbctlOptions = {}): Promise<T> {
  const result = await zbctl(address, args, options);
  if (result.code !== 0) {
    throw new Error(`zbctl ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim()}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** zbctl reads ZEEBE_* settings (address, OAuth credentials) from the environment: keep only the flags in charge. */
function withoutZeebeSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('ZEEBE_') && !name.startsWith('CAMUNDA_')));
}
