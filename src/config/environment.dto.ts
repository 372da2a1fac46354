import { IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
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
}
