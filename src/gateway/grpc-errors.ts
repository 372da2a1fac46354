import * as grpc from '@grpc/grpc-js';
import { Rejection, type RejectionCode } from '../engine';

const STATUS: Record<RejectionCode, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  RESOURCE_EXHAUSTED: grpc.status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  DEADLINE_EXCEEDED: grpc.status.DEADLINE_EXCEEDED,
  INTERNAL: grpc.status.INTERNAL,
  UNIMPLEMENTED: grpc.status.UNIMPLEMENTED,
};

/** Zeebe's names for the rejection types, as its gateway prints them. */
const REJECTION_TYPE: Partial<Record<RejectionCode, string>> = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  FAILED_PRECONDITION: 'INVALID_STATE',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
};

/**
 * Turns an engine rejection into the gRPC error a Zeebe gateway sends: a broker rejection
 * reads "Command 'COMPLETE' rejected with code 'NOT_FOUND': Expected to …".
 */
export function toServiceError(error: unknown, command: string): Partial<grpc.ServiceError> {
  if (error instanceof Rejection) {
    const type = error instanceof GatewayRejection || command === '' ? undefined : REJECTION_TYPE[error.code];
    const details = type ? `Command '${command}' rejected with code '${type}': ${error.message}` : error.message;
    return { code: STATUS[error.code], details, message: details };
  }
  const details = `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  return { code: grpc.status.INTERNAL, details, message: details };
}

/** A request that fails the gateway's own checks: Zeebe reports these without the command prefix. */
export class GatewayRejection extends Rejection {}

export function invalidArgument(message: string): Rejection {
  return new GatewayRejection('INVALID_ARGUMENT', message);
}
