import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ValidationError } from 'class-validator';

export class FieldErrorDto {
  @ApiProperty({ description: 'Path of the field in the request, e.g. `address.city` or `items.0.sku`.', example: 'email' })
  field: string;

  @ApiProperty({ type: [String], example: ['email must be an email'] })
  messages: string[];
}

/** The body of every error response. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'Validation failed' })
  message: string;

  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'One entry per invalid field (400 of a validated request).',
    example: [{ field: 'email', messages: ['email must be an email'] }],
  })
  details?: FieldErrorDto[];
}

/** Flattens class-validator's error tree into one entry per invalid field, nested paths dotted. */
export function mapValidationErrors(errors: readonly ValidationError[], parent = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = parent && error.property ? `${parent}.${error.property}` : parent || error.property || '(body)';
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...mapValidationErrors(error.children ?? [], field)];
  });
}
