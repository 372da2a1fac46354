import * as grpc from '@grpc/grpc-js';

/**
 * gRPC's own size check answers an oversized request with "Received message larger than max
 * (X vs Y)", which names neither the RPC nor a way out. The gateway therefore lets the transport
 * read requests up to this many times its limit and refuses the ones over the limit itself, in
 * Zeebe's "Expected …, but …" style. Larger requests are still cut off by the transport (same
 * status, gRPC's text), so a client cannot make the gateway buffer arbitrarily much.
 */
export const TRANSPORT_CEILING_FACTOR = 4;

/** What the request deserializer hands on in place of a request over the limit. */
class OversizedRequest {
  constructor(
    readonly method: string,
    readonly size: number,
  ) {}
}

/** The service with deserializers that turn requests over `limit` bytes into an OversizedRequest. */
export function withRequestSizeLimit(service: grpc.ServiceDefinition, limit: number): grpc.ServiceDefinition {
  return Object.fromEntries(
    Object.entries(service).map(([name, method]) => [
      name,
      {
        ...method,
        requestDeserialize: (bytes: Buffer) => (bytes.length > limit ? new OversizedRequest(name, bytes.length) : method.requestDeserialize(bytes)),
      },
    ]),
  );
}

/** Ends a call whose request is an OversizedRequest with RESOURCE_EXHAUSTED before any handler sees it. */
export function refuseOversizedRequests(limit: number): grpc.ServerInterceptor {
  return (_method, call) => {
    let refused = false;
    const intercepted: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message, nextMessage) => {
            if (!(message instanceof OversizedRequest)) return nextMessage(message);
            refused = true;
            intercepted.sendStatus({ code: grpc.status.RESOURCE_EXHAUSTED, details: tooLarge(message, limit), metadata: new grpc.Metadata() });
          },
          onReceiveHalfClose: (nextHalfClose) => {
            if (!refused) nextHalfClose();
          },
        }),
    });
    return intercepted;
  };
}

function tooLarge(request: OversizedRequest, limit: number): string {
  const megabytes = Number((limit / (1024 * 1024)).toFixed(2));
  return (
    `Expected the ${request.method} request to be at most ${limit} bytes (${megabytes} MB), but it was ${request.size} bytes; ` +
    'keep large data outside the process and pass a reference to it in the variables'
  );
}
