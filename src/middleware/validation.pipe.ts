import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { type FieldErrorDto, mapValidationErrors } from '../dtos';

/** A request failed DTO validation: 400, with the problems per field. */
export class ValidationFailedException extends BadRequestException {
  constructor(readonly details: FieldErrorDto[]) {
    super('Validation failed');
  }
}

/**
 * The global pipe: unknown properties are rejected rather than silently dropped, so a typo in a
 * field name is an error the client sees; payloads become DTO instances.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationFailedException(mapValidationErrors(errors)),
  });
}
