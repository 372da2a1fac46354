/**
 * Why a command was not applied. The codes are Zeebe's rejection types as the gateway maps
 * them to gRPC status codes; messages follow Zeebe's "Expected to …, but …" style.
 */
export type RejectionCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'FAILED_PRECONDITION'
  | 'ALREADY_EXISTS'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL'
  | 'UNIMPLEMENTED';

export class Rejection extends Error {
  override name = 'Rejection';

  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
  }

  static notFound(message: string): Rejection {
    return new Rejection('NOT_FOUND', message);
  }

  static invalidArgument(message: string): Rejection {
    return new Rejection('INVALID_ARGUMENT', message);
  }

  static invalidState(message: string): Rejection {
    return new Rejection('FAILED_PRECONDITION', message);
  }
}

export function isRejection(value: unknown): value is Rejection {
  return value instanceof Rejection;
}

/** A broken invariant: a bug, never an expected outcome of user input. */
export class EngineInvariantError extends Error {
  override name = 'EngineInvariantError';
}
