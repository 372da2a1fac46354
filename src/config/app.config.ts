import type { Component, LogLevel, NodeEnv, Role } from './environment.dto';

/** The plain values of {@link AppConfig}. */
export interface AppConfigValues {
  readonly nodeEnv: NodeEnv;
  readonly role: Role;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** Absolute path. */
  readonly dataDir: string;
  readonly database: {
    /** DATABASE_URL as given; the URL actually in use is {@link DatabaseConfig.url}. */
    readonly externalUrl?: string;
    readonly embeddedPort?: number;
  };
  readonly engine: { readonly grpcHost: string; readonly grpcPort: number };
  readonly zeebe: { readonly grpcAddress?: string };
  /** EVENT_MESSAGE_TTL_MS: how long a customer event's BPMN message is buffered in the engine. */
  readonly events: { readonly messageTtlMs: number };
  /** ADMIN_API_KEY: the secret of the admin key created on the first start, if pinned; API_KEY_CACHE_MS: how long a checked key is trusted. */
  readonly auth: { readonly adminApiKey?: string; readonly keyCacheMs: number };
  /** KPI_LISTENER_JOB_TYPE: default job type of the KPI execution listeners injected at deploy. */
  readonly kpi: { readonly listenerJobType: string };
}

/**
 * The service's configuration, validated once at boot (see `loadConfig`) and frozen. Inject it
 * (`constructor(private readonly config: AppConfig)`) instead of reading `process.env`.
 */
export class AppConfig implements AppConfigValues {
  readonly nodeEnv: NodeEnv;
  readonly role: Role;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly dataDir: string;
  readonly database: AppConfigValues['database'];
  readonly engine: AppConfigValues['engine'];
  readonly zeebe: AppConfigValues['zeebe'];
  readonly events: AppConfigValues['events'];
  readonly auth: AppConfigValues['auth'];
  readonly kpi: AppConfigValues['kpi'];

  constructor(values: AppConfigValues) {
    Object.assign(this, structuredClone(values));
    deepFreeze(this);
  }

  /** Whether this process runs the given component: ROLE is `all` or names it. */
  runs(component: Component): boolean {
    return this.role === 'all' || this.role === component;
  }
}

function deepFreeze(value: object): void {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child);
  }
  Object.freeze(value);
}
