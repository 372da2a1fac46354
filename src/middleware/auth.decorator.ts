import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { API_KEY_HEADER, API_KEY_SCHEME } from '../config';
import { type AuthenticatedKey, ErrorResponseDto, type Role, ROLES } from '../dtos';

export type { AuthenticatedKey, Role } from '../dtos';

/** Metadata key under which `@Auth` and `@Public` record a route's declaration. */
export const AUTH_METADATA = 'travesia:auth';

/** OpenAPI extension of every `@Auth` operation: the roles whose keys may call it, admin included. */
export const ROLES_EXTENSION = 'x-roles';

export const INVALID_KEY_MESSAGE = `Expected a valid API key in the ${API_KEY_HEADER} header`;

/** A route's declaration: public, or the roles a key needs (empty: any valid key). */
export type AuthDeclaration = { readonly public: true } | { readonly public: false; readonly roles: readonly Role[] };

/**
 * The route (method) or every route of a controller (class) needs an API key in `x-api-key`
 * whose role is one of `roles`; `admin` passes every check. `@Auth()` without roles accepts any
 * valid key. A method's declaration overrides its class's. Also documents in OpenAPI the
 * security scheme, the allowed roles (`x-roles`, which the roles matrix test checks against the
 * guard) and the 401 and 403 responses (no 403 where every role is allowed).
 */
export function Auth(...roles: Role[]): ClassDecorator & MethodDecorator {
  const declaration: AuthDeclaration = { public: false, roles };
  const refused = ROLES.filter((role) => !allowedRoles(roles).includes(role));
  return applyDecorators(
    SetMetadata(AUTH_METADATA, declaration),
    ApiSecurity(API_KEY_SCHEME),
    ApiExtension(ROLES_EXTENSION, allowedRoles(roles)),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'No API key, or an unknown or revoked one.',
      example: { statusCode: 401, error: 'Unauthorized', message: INVALID_KEY_MESSAGE },
    }),
    ...(refused.length === 0
      ? []
      : [
          ApiForbiddenResponse({
            type: ErrorResponseDto,
            description: `The key's role is not ${describeRoles(roles)}.`,
            example: { statusCode: 403, error: 'Forbidden', message: forbiddenMessage(roles, refused[0]) },
          }),
        ]),
  );
}

/** The route needs no key (health, metrics, docs). Routes with neither declaration are refused. */
export function Public(): ClassDecorator & MethodDecorator {
  const declaration: AuthDeclaration = { public: true };
  return SetMetadata(AUTH_METADATA, declaration);
}

/** Where the guard leaves the authenticated key on the request. */
export const AUTHENTICATED_KEY = Symbol('travesia:authenticated-key');

export type AuthenticatedRequest = { [AUTHENTICATED_KEY]?: AuthenticatedKey };

/**
 * Parameter decorator: the key the request authenticated with (`{ id, name, role }`), so
 * services can record who did what. Only on `@Auth` routes; on a public route it throws.
 */
export const CurrentKey = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedKey => {
  const key = context.switchToHttp().getRequest<AuthenticatedRequest>()[AUTHENTICATED_KEY];
  if (!key) throw new Error('@CurrentKey() used on a route that is not declared with @Auth(...)');
  return key;
});

/** The roles a declaration lets in, in the order of ROLES: admin always; every role when none is named. */
export function allowedRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((role) => role === 'admin' || roles.length === 0 || roles.includes(role));
}

/** The 403 message for a key of `role` on a route that needs one of `roles`. */
export function forbiddenMessage(roles: readonly Role[], role: Role): string {
  return `Expected an API key with the role ${describeRoles(roles)}; this key's role is ${role}`;
}

/** "analyst, owner or admin" / "any role", for messages and docs; admin is always allowed. */
export function describeRoles(roles: readonly Role[]): string {
  if (roles.length === 0) return 'any role';
  const allowed = [...new Set<Role>([...roles, 'admin'])];
  return allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
}
