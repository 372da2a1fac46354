import { STATUS_CODES } from 'node:http';
import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto, type FieldErrorDto } from './error.dto';

/**
 * One error response of a route: what it means there, and the message of its example body
 * (what the service answers in that case).
 */
export interface ErrorResponseDoc {
  readonly description: string;
  readonly message: string;
}

/** A 400: by default the validation pipe's answer, whose `details` list the problems per field. */
export interface BadRequestDoc {
  readonly description: string;
  readonly message?: string;
  /** The example's problems per field; left out with a `message` of its own (a 400 without details). */
  readonly details?: readonly FieldErrorDto[];
}

/** The error responses a route documents itself; `@Auth` documents 401 and 403. */
export interface ErrorResponseDocs {
  readonly 400?: BadRequestDoc;
  readonly 404?: ErrorResponseDoc;
  readonly 409?: ErrorResponseDoc;
  readonly 501?: ErrorResponseDoc;
  readonly 502?: ErrorResponseDoc;
  readonly 503?: ErrorResponseDoc;
}

/** The 400 of a validated request. */
export const INVALID_INPUT: BadRequestDoc = { description: 'Invalid input; `details` lists the problems per field.' };

/** The engine did not answer a command (see engineHttpError). */
export const ENGINE_UNAVAILABLE: ErrorResponseDoc = {
  description: 'The engine did not answer.',
  message: 'Could not cancel process instance 2251799813685251: 14 UNAVAILABLE: No connection established',
};

/** The engine answered a command with something it should not have (see engineHttpError). */
export const ENGINE_FAILED: ErrorResponseDoc = {
  description: 'The engine refused the command for a reason of its own.',
  message: 'Could not cancel process instance 2251799813685251: 13 INTERNAL: Unexpected error',
};

const VALIDATION_FAILED = 'Validation failed';
const DEFAULT_DETAILS: readonly FieldErrorDto[] = [{ field: 'name', messages: ['name should not be empty'] }];

/**
 * Documents error responses of a route, or of every route of a controller (a route's own entry
 * for a status replaces its controller's): each with the ErrorResponseDto schema and an example
 * body, a 400's with its problems per field.
 */
export function ApiErrors(errors: ErrorResponseDocs): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([code, doc]: [string, BadRequestDoc]) => {
      const status = Number(code);
      return ApiResponse({ status, type: ErrorResponseDto, description: doc.description, example: errorExample(status, doc) });
    }),
  );
}

function errorExample(status: number, doc: BadRequestDoc): ErrorResponseDto {
  const example: ErrorResponseDto = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: doc.message ?? VALIDATION_FAILED };
  if (status === 400 && (doc.message === undefined || doc.details)) example.details = [...(doc.details ?? DEFAULT_DETAILS)];
  return example;
}
