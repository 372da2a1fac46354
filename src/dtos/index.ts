export * from './error.dto';
export * from './health.dto';
