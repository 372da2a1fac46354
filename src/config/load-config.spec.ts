import { resolve } from 'node:path';
import { ConfigValidationError } from './config-validation.error';
import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('should apply the defaults when nothing is set', () => {
    // when
    const config = loadConfig({});

    // then
    expect(config).toMatchObject({
      nodeEnv: 'development',
      role: 'all',
      port: 3000,
      logLevel: 'info',
      dataDir: resolve('data'),
      database: { externalUrl: undefined, embeddedPort: undefined },
      engine: { grpcHost: '127.0.0.1', grpcPort: 26500 },
      zeebe: { grpcAddress: undefined },
    });
  });

  it('should convert and keep valid values, treating empty variables as unset', () => {
    // when
    const config = loadConfig({
      PORT: '8080',
      ROLE: 'workers',
      DATA_DIR: '/var/lib/travesia',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://app:secret@db:5432/travesia',
      EMBEDDED_PG_PORT: '',
      ZEEBE_GRPC_ADDRESS: 'grpcs://zeebe.example.com:443',
      ENGINE_GRPC_HOST: '0.0.0.0',
      ENGINE_GRPC_PORT: '26600',
    });

    // then
    expect(config).toMatchObject({
      port: 8080,
      role: 'workers',
      dataDir: '/var/lib/travesia',
      logLevel: 'debug',
      database: { externalUrl: 'postgresql://app:secret@db:5432/travesia', embeddedPort: undefined },
      zeebe: { grpcAddress: 'grpcs://zeebe.example.com:443' },
      engine: { grpcHost: '0.0.0.0', grpcPort: 26600 },
    });
  });

  it('should be silent by default under NODE_ENV=test', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
  });

  it('should list every invalid variable, without echoing the database URL', () => {
    // given
    const env = {
      PORT: 'abc',
      ROLE: 'boss',
      LOG_LEVEL: 'loud',
      NODE_ENV: 'staging',
      DATABASE_URL: 'mysql://root:hunter2@db/travesia',
      EMBEDDED_PG_PORT: '0',
      ZEEBE_GRPC_ADDRESS: 'localhost:26500',
      ENGINE_GRPC_HOST: 'http://engine',
      ENGINE_GRPC_PORT: '70000',
    };

    // when
    const error = catchError(() => loadConfig(env));

    // then
    expect(error).toBeInstanceOf(ConfigValidationError);
    const { problems, message } = error as ConfigValidationError;
    expect(problems.map((problem) => problem.variable).sort()).toEqual(Object.keys(env).sort());
    expect(message).toContain('Invalid environment (9 problems)');
    expect(message).toContain('PORT must be a port number from 0 to 65535, got "abc"');
    expect(message).toContain('ROLE must be one of all, api, workers, engine, got "boss"');
    expect(message).toContain('ZEEBE_GRPC_ADDRESS must be a grpc:// or grpcs:// URL such as grpc://127.0.0.1:26500, got "localhost:26500"');
    expect(message).toContain('ENGINE_GRPC_PORT must be a port number from 1 to 65535, got "70000"');
    expect(message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(message).not.toContain('hunter2');
  });

  it('should freeze the configuration, nested objects included', () => {
    // given
    const config = loadConfig({});

    // then
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.engine)).toBe(true);
  });

  it('should tell which components a role runs', () => {
    expect(loadConfig({ ROLE: 'all' }).runs('engine')).toBe(true);
    expect(loadConfig({ ROLE: 'api' }).runs('api')).toBe(true);
    expect(loadConfig({ ROLE: 'api' }).runs('workers')).toBe(false);
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
