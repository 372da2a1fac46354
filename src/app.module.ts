import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { type AppConfig, type Component, COMPONENTS } from './config';
import { apiControllers, operationsControllers } from './controllers';
import { CoreModule, type CoreModuleOptions } from './core.module';
import { EngineHostModule, ZeebeClientModule } from './engine-host';
import { JobWorkersModule } from './job-workers';
import { WorkersModule } from './workers';

type ModuleImport = NonNullable<ModuleMetadata['imports']>[number];

/**
 * The Nest modules of each component, given the configuration; ROLE picks the components this
 * process runs (`all`: every one). Every role gets the Zeebe client (ZeebeClientModule).
 * - engine: the embedded engine and its gRPC gateway, unless ZEEBE_GRPC_ADDRESS names another;
 * - workers: the job workers (src/job-workers), bound to the Zeebe client;
 * - api: modules of the REST API beyond `apiControllers`.
 */
const componentModules: Record<Component, (config: AppConfig) => ModuleImport[]> = {
  api: () => [],
  engine: (config) => (config.zeebe.grpcAddress ? [] : [EngineHostModule]),
  workers: (config) => [WorkersModule.forRoot(), JobWorkersModule.forRoot(config)],
};

/** The feature modules this process runs, by ROLE. */
export function featureModules(config: AppConfig): ModuleImport[] {
  return COMPONENTS.filter((component) => config.runs(component)).flatMap((component) => componentModules[component](config));
}

@Module({})
export class AppModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: AppModule,
      // CoreModule first: Nest shuts global modules down in reverse order of import, and CoreModule's
      // hook stops the database, which any global feature module may still need while closing.
      imports: [CoreModule.forRoot(options), ZeebeClientModule, ...featureModules(options.config)],
      controllers: [...operationsControllers, ...(options.config.runs('api') ? apiControllers : [])],
    };
  }
}
