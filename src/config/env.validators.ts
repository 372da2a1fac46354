import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Validation decorators for environment variables, composed once. Every message names the
 * variable, says what was expected and echoes what was found, unless the value may hold a
 * secret.
 */

/** A TCP port given as a decimal string; converted to a number. */
export function IsPort(options: { min?: number } = {}): PropertyDecorator {
  const min = options.min ?? 1;
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value)),
    ValidateBy({
      name: 'isPort',
      validator: {
        validate: (value) => Number.isInteger(value) && value >= min && value <= 65535,
        defaultMessage: () => `$property must be a port number from ${min} to 65535, got "$value"`,
      },
    }),
  );
}

/** A URL with one of the given schemes (e.g. `grpc`) and a host. */
export function IsUrlWithScheme(schemes: string[], options: { example: string; secret?: boolean }): PropertyDecorator {
  const found = options.secret ? '' : ', got "$value"';
  return ValidateBy({
    name: 'isUrlWithScheme',
    validator: {
      validate: (value) => typeof value === 'string' && hasSchemeAndHost(value, schemes),
      defaultMessage: () =>
        `$property must be a ${schemes.map((scheme) => `${scheme}://`).join(' or ')} URL such as ${options.example}${found}`,
    },
  });
}

/** One of a fixed list of words. */
export function IsOneOf(values: readonly string[], options?: ValidationOptions): PropertyDecorator {
  return IsIn([...values], { message: `$property must be one of ${values.join(', ')}, got "$value"`, ...options });
}

function hasSchemeAndHost(value: string, schemes: string[]): boolean {
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol.slice(0, -1)) && url.hostname !== '';
  } catch {
    return false;
  }
}
