import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  type HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { EngineCommandError } from '../repositories';

/**
 * The HTTP answer to a command the engine refused or did not answer: its rejections keep their
 * meaning (NOT_FOUND 404, FAILED_PRECONDITION 409, INVALID_ARGUMENT 400), an engine that did
 * not answer is 503, and anything else it said is 502 — never a 500, which would mean a bug
 * here. `what` says what was attempted, e.g. "cancel process instance 2251799813685251".
 */
export function engineHttpError(error: EngineCommandError, what: string): HttpException {
  const message = `Could not ${what}: ${error.message}`;
  switch (error.code) {
    case 'NOT_FOUND':
      return new NotFoundException(message);
    case 'FAILED_PRECONDITION':
      return new ConflictException(message);
    case 'INVALID_ARGUMENT':
      return new BadRequestException(message);
    case 'UNAVAILABLE':
      return new ServiceUnavailableException(message);
    default:
      return new BadGatewayException(message);
  }
}
