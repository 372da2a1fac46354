import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseServer } from './database-server';

@Injectable()
export class DatabaseRepository implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    private readonly server: DatabaseServer,
  ) {}

  /** Resolves when the database answers a query. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /**
   * The database goes last: this hook belongs to the core module, whose shutdown hooks Nest runs
   * after those of every feature module (they may still flush to the database). TypeORM closes
   * its pool in a hook of the same phase, in an order Nest does not promise, so it is closed here
   * first; TypeORM then skips it.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.server.stop();
  }
}
