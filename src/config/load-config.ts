import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppConfig } from './app.config';
import { ConfigValidationError } from './config-validation.error';
import { EnvironmentDto } from './environment.dto';

/**
 * Validates the environment and returns the typed, frozen configuration. Throws a
 * {@link ConfigValidationError} listing every bad variable, so one failed boot shows them all.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const dto = plainToInstance(EnvironmentDto, withoutEmptyValues(env), { exposeDefaultValues: true });
  const errors = validateSync(dto);
  if (errors.length > 0) {
    throw new ConfigValidationError(
      errors.map((error) => ({ variable: error.property, messages: Object.values(error.constraints ?? {}) })),
    );
  }
  return new AppConfig({
    nodeEnv: dto.NODE_ENV,
    role: dto.ROLE,
    port: dto.PORT,
    logLevel: dto.LOG_LEVEL ?? (dto.NODE_ENV === 'test' ? 'silent' : 'info'),
    dataDir: resolve(dto.DATA_DIR),
    database: { externalUrl: dto.DATABASE_URL, embeddedPort: dto.EMBEDDED_PG_PORT },
    engine: { grpcHost: dto.ENGINE_GRPC_HOST, grpcPort: dto.ENGINE_GRPC_PORT },
    zeebe: { grpcAddress: dto.ZEEBE_GRPC_ADDRESS },
    events: { messageTtlMs: dto.EVENT_MESSAGE_TTL_MS },
    auth: { adminApiKey: dto.ADMIN_API_KEY, keyCacheMs: dto.API_KEY_CACHE_MS },
    kpi: { listenerJobType: dto.KPI_LISTENER_JOB_TYPE },
  });
}

// `PORT=` in a .env file or compose file means "unset", not "the empty string".
function withoutEmptyValues(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
