import type { Zeebe } from '@camunda8/sdk';

/**
 * Injection token of the Zeebe gRPC client (`new Camunda8(config).getZeebeGrpcApiClient()`),
 * provided by the module that owns the connection. The workers bind to it; they never
 * create or close it.
 */
export const ZEEBE_GRPC_CLIENT = Symbol('ZEEBE_GRPC_CLIENT');

/** The part of `@camunda8/sdk`'s ZeebeGrpcClient the workers use. */
export type ZeebeWorkerClient = Pick<Zeebe.ZeebeGrpcClient, 'createWorker' | 'streamJobs'>;
