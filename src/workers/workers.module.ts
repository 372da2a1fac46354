import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobWorkerRegistry } from './job-worker.registry';
import { JobWorkerRunner } from './job-worker.runner';
import { JOB_WORKER_RUNNER_OPTIONS, resolveRunnerOptions, type JobWorkerRunnerOptions } from './job-worker-runner.options';

/** Options of `WorkersModule.forRoot`. */
export interface WorkersModuleOptions extends Partial<JobWorkerRunnerOptions> {
  /**
   * Modules that export `ZEEBE_GRPC_CLIENT` (required) and `JOB_WORKER_METRICS` (optional).
   * Unnecessary when those are provided by a global module.
   */
  readonly imports?: ModuleMetadata['imports'];
}

/**
 * Discovers `@JobWorker` methods in every provider of the application and runs them
 * against the Zeebe client. Import it once, in the root module of the roles that run
 * workers.
 */
@Module({})
export class WorkersModule {
  static forRoot(options: WorkersModuleOptions = {}): DynamicModule {
    const { imports = [], ...runnerOptions } = options;
    return {
      module: WorkersModule,
      imports: [DiscoveryModule, ...imports],
      providers: [
        JobWorkerRegistry,
        JobWorkerRunner,
        { provide: JOB_WORKER_RUNNER_OPTIONS, useValue: resolveRunnerOptions(runnerOptions) },
      ],
      exports: [JobWorkerRegistry, JobWorkerRunner],
    };
  }
}
