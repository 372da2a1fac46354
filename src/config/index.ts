export * from './app.config';
export * from './config-validation.error';
export * from './database.config';
export * from './environment.dto';
export * from './load-config';
export * from './openapi.config';
export * from './typeorm.config';
