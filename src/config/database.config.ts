/**
 * The database this process uses, resolved at boot: DATABASE_URL, or the embedded PostgreSQL
 * started for it. Inject it to open connections of your own (the engine store uses `pg`).
 */
export class DatabaseConfig {
  constructor(
    /** A `postgres://` connection string, including credentials. Do not log it. */
    readonly url: string,
    /** Whether this process started the PostgreSQL server itself. */
    readonly embedded: boolean,
  ) {
    Object.freeze(this);
  }
}
