import type * as grpc from '@grpc/grpc-js';
import type { Engine } from '../../engine';
import { toServiceError } from '../grpc-errors';

export interface GatewayContext {
  engine: Engine;
  host: string;
  port: number;
  version: string;
}

type Unary<Req, Res> = (ctx: GatewayContext, request: Req) => Promise<Res>;

/**
 * Adapts an async request → response function to grpc-js's callback style; rejections
 * become Zeebe-style status errors naming `command`.
 */
export function unary<Req, Res>(command: string, fn: Unary<Req, Res>) {
  return (ctx: GatewayContext) =>
    (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>): void => {
      fn(ctx, call.request).then(
        (response) => callback(null, response),
        (error) => callback(toServiceError(error, command) as grpc.ServiceError),
      );
    };
}
