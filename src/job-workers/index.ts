export * from './job-workers.module';
export * from './kpi-listener.worker';
