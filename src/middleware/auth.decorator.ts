import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { API_KEY_SCHEME } from '../config';
import { type AuthenticatedKey, ErrorResponseDto, type Role } from '../dtos';

export type { AuthenticatedKey, Role } from '../dtos';

/** Metadata key under which `@Auth` and `@Public` record a route's declaration. */
export const AUTH_METADATA = 'travesia:auth';

/** A route's declaration: public, or the roles a key needs (empty: any valid key). */
export type AuthDeclaration = { readonly public: true } | { readonly public: false; readonly roles: readonly Role[] };

/**
 * The route (method) or every route of a controller (class) needs an API key in `x-api-key`
 * whose role is one of `roles`; `admin` passes every check. `@Auth()` without roles accepts any
 * valid key. A method's declaration overrides its class's. Also documents the security scheme
 * and the 401/403 responses in OpenAPI.
 */
export function Auth(...roles: Role[]): ClassDecorator & MethodDecorator {
  const declaration: AuthDeclaration = { public: false, roles };
  return applyDecorators(
    SetMetadata(AUTH_METADATA, declaration),
    ApiSecurity(API_KEY_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No API key, or an unknown or revoked one.' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: `The key's role is not ${describeRoles(roles)}.` }),
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

/** "analyst, owner or admin" / "any role", for messages and docs; admin is always allowed. */
export function describeRoles(roles: readonly Role[]): string {
  if (roles.length === 0) return 'any role';
  const allowed = [...new Set<Role>([...roles, 'admin'])];
  return allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
}
