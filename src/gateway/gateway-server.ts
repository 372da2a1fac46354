import * as grpc from '@grpc/grpc-js';
import { DEFAULT_MAX_MESSAGE_SIZE, type Engine } from '../engine';
import { deployProcess, deployResource } from './handlers/deploy.handler';
import type { GatewayContext } from './handlers/handler';
import {
  activateJobs,
  completeJob,
  failJob,
  streamActivatedJobs,
  throwError,
  updateJobRetries,
  updateJobTimeout,
} from './handlers/job.handlers';
import {
  cancelProcessInstance,
  createProcessInstance,
  createProcessInstanceWithResult,
  resolveIncident,
  setVariables,
} from './handlers/process-instance.handlers';
import { broadcastSignal, publishMessage } from './handlers/message.handlers';
import { topology } from './handlers/topology.handler';
import { unimplemented } from './handlers/unimplemented.handler';
import { loadGatewayService } from './proto';
import { refuseOversizedRequests, TRANSPORT_CEILING_FACTOR, withRequestSizeLimit } from './request-size-limit';

export interface GatewayOptions {
  host: string;
  port: number;
  /** Reported as gatewayVersion; clients parse it as major.minor. */
  version?: string;
  /** Largest request accepted and response sent, bytes (Zeebe's default, 4 MiB); give the engine the same. */
  maxMessageSize?: number;
}

/**
 * Zeebe messages are small and this gateway usually sits on loopback next to its clients, so
 * compressing them only burns CPU (the official client gzips every request by default). The
 * gateway still accepts compressed requests, but advertises identity only: grpc-js clients
 * then stop compressing on that channel after the first response.
 */
const advertiseIdentityEncoding: grpc.ServerInterceptor = (_method, call) =>
  new grpc.ServerInterceptingCall(call, {
    sendMetadata: (metadata, next) => {
      metadata.set('grpc-accept-encoding', 'identity');
      next(metadata);
    },
  });

/** The Zeebe gateway gRPC service (gateway_protocol.Gateway) in front of the embedded engine. */
export class GatewayServer {
  private server?: grpc.Server;
  private boundPort = 0;

  constructor(
    private readonly engine: Engine,
    private readonly options: GatewayOptions,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get address(): string {
    return `grpc://${this.options.host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    const maxMessageSize = this.options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    const server = new grpc.Server({
      // Requests over maxMessageSize are refused by refuseOversizedRequests, with a better message.
      'grpc.max_receive_message_length': maxMessageSize * TRANSPORT_CEILING_FACTOR,
      'grpc.max_send_message_length': maxMessageSize,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5000,
      interceptors: [refuseOversizedRequests(maxMessageSize), advertiseIdentityEncoding],
    });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${this.options.host}:${this.options.port}`, grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    const ctx: GatewayContext = {
      engine: this.engine,
      host: this.options.host,
      port: this.boundPort,
      version: this.options.version ?? '8.8.0',
    };
    const handlers = {
      Topology: topology(ctx),
      DeployResource: deployResource(ctx),
      DeployProcess: deployProcess(ctx),
      CreateProcessInstance: createProcessInstance(ctx),
      CreateProcessInstanceWithResult: createProcessInstanceWithResult(ctx),
      CancelProcessInstance: cancelProcessInstance(ctx),
      SetVariables: setVariables(ctx),
      ResolveIncident: resolveIncident(ctx),
      ActivateJobs: activateJobs(ctx),
      StreamActivatedJobs: streamActivatedJobs(ctx),
      CompleteJob: completeJob(ctx),
      FailJob: failJob(ctx),
      ThrowError: throwError(ctx),
      UpdateJobRetries: updateJobRetries(ctx),
      UpdateJobTimeout: updateJobTimeout(ctx),
      PublishMessage: publishMessage(ctx),
      BroadcastSignal: broadcastSignal(ctx),
      EvaluateDecision: unimplemented('EVALUATE_DECISION', 'DMN decisions')(ctx),
      ModifyProcessInstance: unimplemented('MODIFY_PROCESS_INSTANCE', 'process instance modification')(ctx),
      MigrateProcessInstance: unimplemented('MIGRATE_PROCESS_INSTANCE', 'process instance migration')(ctx),
      DeleteResource: unimplemented('DELETE_RESOURCE', 'deleting resources')(ctx),
    };
    server.addService(withRequestSizeLimit(loadGatewayService(), maxMessageSize), handlers as unknown as grpc.UntypedServiceImplementation);
    this.server = server;
  }

  /** Stops accepting calls; open streams are cancelled after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
