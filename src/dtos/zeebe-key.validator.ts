import { registerDecorator, type ValidationOptions } from 'class-validator';

const MAX_INT64 = 9223372036854775807n;

/** A Zeebe key in decimal: a positive integer that fits in a signed 64-bit integer. */
export function isZeebeKey(value: unknown): boolean {
  return typeof value === 'string' && /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= MAX_INT64;
}

export function IsZeebeKey(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isZeebeKey',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a Zeebe key (a positive 64-bit integer in decimal), got "$value"', ...options },
      validator: { validate: isZeebeKey },
    });
}
