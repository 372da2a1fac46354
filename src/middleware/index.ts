export * from './all-exceptions.filter';
export * from './http-metrics.middleware';
export * from './validation.pipe';
