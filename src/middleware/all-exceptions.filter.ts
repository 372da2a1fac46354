import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ErrorResponseDto } from '../dtos';
import { ValidationFailedException } from './validation.pipe';

/**
 * Every error leaves as JSON `{ statusCode, error, message, details? }`. Client errors keep their
 * status and message; anything unexpected becomes a 500 whose details stay in the log, not in the
 * response.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const body = mapException(exception);
    if (body.statusCode >= 500) this.logger.error(exception);
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, body.statusCode);
  }
}

function mapException(exception: unknown): ErrorResponseDto {
  if (exception instanceof ValidationFailedException) {
    return { ...base(HttpStatus.BAD_REQUEST, exception.message), details: exception.details };
  }
  if (exception instanceof HttpException) {
    return base(exception.getStatus(), messageOf(exception.getResponse()) ?? exception.message);
  }
  // Errors from Express itself (malformed JSON, payload too large) carry an http-errors status.
  const status = (exception as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500 && exception instanceof Error) {
    return base(status, exception.message);
  }
  return base(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
}

function base(statusCode: number, message: string): ErrorResponseDto {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

function messageOf(response: string | object): string | undefined {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}
