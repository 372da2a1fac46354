import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsOneOf, IsPort, IsUrlWithScheme } from './env.validators';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** The parts a process can run; ROLE picks one of them, or `all`. */
export const COMPONENTS = ['api', 'workers', 'engine'] as const;
export type Component = (typeof COMPONENTS)[number];
export const ROLES = ['all', ...COMPONENTS] as const;
export type Role = (typeof ROLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The environment variables the service reads, as validated at boot. Values arrive as strings;
 * an empty variable counts as unset. Defaults are the property initialisers.
 */
export class EnvironmentDto {
  @IsOneOf(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  /** HTTP port (REST API, OpenAPI, health, metrics); 0 picks a free one. */
  @IsPort({ min: 0 })
  PORT: number = 3000;

  @IsOneOf(ROLES)
  ROLE: Role = 'all';

  /** Where the embedded PostgreSQL keeps its cluster (`${DATA_DIR}/pg`). */
  @IsString()
  @IsNotEmpty()
  DATA_DIR: string = './data';

  /** Defaults to `info`, or `silent` when NODE_ENV is `test`. */
  @IsOptional()
  @IsOneOf(LOG_LEVELS)
  LOG_LEVEL?: LogLevel;

  /** External PostgreSQL; unset → the embedded PostgreSQL. Never echoed: it may hold a password. */
  @IsOptional()
  @IsUrlWithScheme(['postgres', 'postgresql'], { example: 'postgres://user:password@host:5432/travesia', secret: true })
  DATABASE_URL?: string;

  /** Port of the embedded PostgreSQL; unset → 5433, or a free port when 5433 is taken. */
  @IsOptional()
  @IsPort()
  EMBEDDED_PG_PORT?: number;

  /** External Zeebe gateway; unset → the embedded engine. */
  @IsOptional()
  @IsUrlWithScheme(['grpc', 'grpcs'], { example: 'grpc://127.0.0.1:26500' })
  ZEEBE_GRPC_ADDRESS?: string;

  /** Where the embedded engine's gRPC gateway listens. */
  @IsString()
  @Matches(/^[\w.:[\]-]+$/, { message: '$property must be a host name or IP address, got "$value"' })
  ENGINE_GRPC_HOST: string = '127.0.0.1';

  @IsPort()
  ENGINE_GRPC_PORT: number = 26500;

  /**
   * How long the BPMN message of a customer event waits in the engine for a journey to catch it
   * (Zeebe's timeToLive), in milliseconds; 0: correlate at once or drop. The default covers the
   * moments between an event and the journey step that waits for it, and lets Zeebe de-duplicate
   * a message published again after a restart, without catching stale events days later.
   */
  @Transform(({ value }) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value))
  @IsInt({ message: '$property must be a whole number of milliseconds, got "$value"' })
  @Min(0, { message: '$property must be 0 or more milliseconds, got "$value"' })
  EVENT_MESSAGE_TTL_MS: number = 60_000;

  /**
   * How long a process trusts an API key it has checked before checking it again, in
   * milliseconds (0: check every request). Revocations reach every process at once through
   * PostgreSQL NOTIFY; this bounds how long a missed one (while a process was reconnecting) lasts.
   */
  @Transform(({ value }) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value))
  @IsInt({ message: '$property must be a whole number of milliseconds, got "$value"' })
  @Min(0, { message: '$property must be 0 or more milliseconds, got "$value"' })
  @Max(3_600_000, { message: '$property must be at most 3600000 milliseconds (an hour), got "$value"' })
  API_KEY_CACHE_MS: number = 5_000;

  /**
   * The first admin API key, for operators and tests that want to know it in advance; unset →
   * the first start makes one up and prints it once. Only used while there is no key at all.
   * Never echoed: it is a secret.
   */
  @IsOptional()
  @Matches(/^trv_[A-Za-z0-9_-]{43,}$/, {
    message: '$property must be trv_ followed by at least 43 base64url characters (32 random bytes or more)',
  })
  ADMIN_API_KEY?: string;

  /** Job type of the KPI execution listeners injected into journeys at deploy (a journey may override it). */
  @IsString()
  @Matches(/^[^\s]{1,255}$/, { message: '$property must be a job type without spaces (at most 255 characters), got "$value"' })
  KPI_LISTENER_JOB_TYPE: string = 'travesia.kpi';
}
