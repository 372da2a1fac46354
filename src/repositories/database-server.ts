/**
 * The PostgreSQL server this process uses: one it started itself (embedded) or one given by
 * DATABASE_URL. Resolved before Nest starts, because every module's connection depends on it.
 */
export abstract class DatabaseServer {
  /** A `postgres://` connection string, including credentials. */
  abstract readonly url: string;
  abstract readonly embedded: boolean;
  /** Stops the server if this process started it. Safe to call more than once. */
  abstract stop(): Promise<void>;
}

/** A server run by someone else: this process only connects to it. */
export class ExternalDatabaseServer extends DatabaseServer {
  readonly embedded = false;

  constructor(readonly url: string) {
    super();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
