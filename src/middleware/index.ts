export * from './all-exceptions.filter';
export * from './api-key.guard';
export * from './http-metrics.middleware';
export * from './validation.pipe';
export * from './auth.decorator';
