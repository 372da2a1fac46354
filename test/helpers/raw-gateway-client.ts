import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * A bare gRPC client for the Zeebe gateway protocol, loaded from the proto the official client
 * ships, with the client's own loader options. For what the SDK hides or refuses to send:
 * arrays as variables, requestTimeout -1, blank workers, empty resource lists, raw streams.
 */
export interface RawGatewayClient {
  /** Calls a unary RPC; rejects with the grpc ServiceError (`code`, `details`). */
  call<T = Record<string, unknown>>(method: string, request: Record<string, unknown>, deadlineMs?: number): Promise<T>;
  /** Runs a server-streaming RPC to its end and collects the messages (or the error). */
  collect<T = Record<string, unknown>>(
    method: string,
    request: Record<string, unknown>,
    deadlineMs?: number,
  ): Promise<{ messages: T[]; error?: grpc.ServiceError }>;
  /** Opens a server-streaming RPC and hands back the call (for push streams). */
  open(method: string, request: Record<string, unknown>): grpc.ClientReadableStream<Record<string, unknown>>;
  close(): void;
}

type AnyClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

/** `address` as the harness gives it: grpc://host:port. */
export function rawGatewayClient(address: string, options: grpc.ChannelOptions = {}): RawGatewayClient {
  const protoPath = path.join(path.dirname(require.resolve('@camunda8/sdk/package.json')), 'dist', 'proto', 'zeebe.proto');
  const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: grpc.ServiceClientConstructor } };
  const client = new pkg.gateway_protocol.Gateway(
    address.replace(/^grpcs?:\/\//, ''),
    grpc.credentials.createInsecure(),
    options,
  ) as unknown as AnyClient;
  const deadline = (ms: number | undefined) => ({ deadline: Date.now() + (ms ?? 10_000) });

  return {
    call: <T>(method: string, request: Record<string, unknown>, deadlineMs?: number) =>
      new Promise<T>((resolve, reject) => {
        client[method](request, new grpc.Metadata(), deadline(deadlineMs), (error: grpc.ServiceError | null, response: T) =>
          error ? reject(error) : resolve(response),
        );
      }),
    collect: <T>(method: string, request: Record<string, unknown>, deadlineMs?: number) =>
      new Promise<{ messages: T[]; error?: grpc.ServiceError }>((resolve) => {
        const messages: T[] = [];
        const call = client[method](request, new grpc.Metadata(), deadline(deadlineMs)) as grpc.ClientReadableStream<T>;
        let settled = false;
        call.on('data', (message: T) => messages.push(message));
        call.on('error', (error: grpc.ServiceError) => {
          if (settled) return;
          settled = true;
          resolve({ messages, error });
        });
        call.on('status', (status: grpc.StatusObject) => {
          if (settled || status.code !== grpc.status.OK) return;
          settled = true;
          resolve({ messages });
        });
      }),
    open: (method: string, request: Record<string, unknown>) =>
      client[method](request, new grpc.Metadata()) as grpc.ClientReadableStream<Record<string, unknown>>,
    close: () => client.close(),
  };
}

/** Awaits a promise that must fail and returns its error (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error('Expected the call to be rejected, but it succeeded');
}
