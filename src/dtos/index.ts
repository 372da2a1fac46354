export * from './error.dto';
export * from './health.dto';
export * from './api-key.dto';
