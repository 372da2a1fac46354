export * from './embedded-engine.service';
export * from './engine-host.module';
export * from './zeebe-client.module';
export * from './zeebe-client.repository';
