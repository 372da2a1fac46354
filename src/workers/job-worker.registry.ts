import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { JOB_WORKER_METADATA, type JobWorkerMetadata } from './job-worker.decorator';
import { resolveJobWorkerOptions, type JobWorkerOptions, type ResolvedJobWorkerOptions } from './job-worker.options';
import type { JobHandler } from './job.port';

/** A job type bound to its handler, as found at boot. */
export interface RegisteredJobWorker {
  readonly type: string;
  readonly handler: JobHandler;
  readonly options: ResolvedJobWorkerOptions;
  /** Where the handler was declared (`Class.method`), for logs and error messages. */
  readonly source: string;
}

/** Boot fails with this when two handlers claim the same job type. */
export class DuplicateJobWorkerError extends Error {
  override readonly name = 'DuplicateJobWorkerError';

  constructor(type: string, first: string, second: string) {
    super(`job type '${type}' has two handlers, ${first} and ${second}; a job type must have exactly one @JobWorker`);
  }
}

/**
 * The job handlers of the application: every `@JobWorker` method of a singleton provider,
 * collected when modules initialise (all providers exist by then), before
 * `JobWorkerRunner` binds them on application bootstrap.
 */
@Injectable()
export class JobWorkerRegistry implements OnModuleInit {
  private readonly workers = new Map<string, RegisteredJobWorker>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) this.discoverIn(wrapper);
  }

  /**
   * Registers a handler without the decorator, e.g. a factory-built function in a test.
   * @throws DuplicateJobWorkerError when the type already has a handler.
   */
  register(type: string, handler: JobHandler, options: JobWorkerOptions = {}, source = `handler of ${type}`): RegisteredJobWorker {
    const existing = this.workers.get(type);
    if (existing) throw new DuplicateJobWorkerError(type, existing.source, source);
    const worker: RegisteredJobWorker = { type, handler, options: resolveJobWorkerOptions(type, options), source };
    this.workers.set(type, worker);
    return worker;
  }

  /** Every registered worker, in discovery order. */
  list(): readonly RegisteredJobWorker[] {
    return [...this.workers.values()];
  }

  get(type: string): RegisteredJobWorker | undefined {
    return this.workers.get(type);
  }

  private discoverIn(wrapper: InstanceWrapper): void {
    const instance: unknown = wrapper.instance;
    const prototype = decoratablePrototype(instance, wrapper);
    if (!prototype) return;
    for (const methodName of this.scanner.getAllMethodNames(prototype)) {
      const method: unknown = (prototype as Record<string, unknown>)[methodName];
      if (typeof method !== 'function') continue;
      const metadata = this.reflector.get<JobWorkerMetadata | undefined>(JOB_WORKER_METADATA, method);
      if (!metadata) continue;
      const source = `${String(wrapper.name)}.${methodName}`;
      if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient || !instance) {
        // A request-scoped or transient instance does not exist at boot, and workers are bound once.
        throw new Error(`@JobWorker('${metadata.type}') on ${source}: job workers must be singleton providers, found a request-scoped or transient one`);
      }
      const handler: JobHandler = (job, ctx) => method.call(instance, job, ctx);
      this.register(metadata.type, handler, metadata.options, source);
    }
  }
}

/** The prototype to scan for decorated methods, or undefined for value and factory providers. */
function decoratablePrototype(instance: unknown, wrapper: InstanceWrapper): object | undefined {
  if (instance && typeof instance === 'object') return Object.getPrototypeOf(instance) ?? undefined;
  const metatype = wrapper.metatype;
  // Not yet instantiated (non-static scope): the class still tells whether it declares workers.
  if (!wrapper.inject && typeof metatype === 'function') return metatype.prototype as object;
  return undefined;
}
