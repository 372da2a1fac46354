import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { API_KEY_HEADER } from '../config';
import { ApiKeyService } from '../services/api-key.service';
import { allowedRoles, AUTH_METADATA, AUTHENTICATED_KEY, type AuthDeclaration, type AuthenticatedRequest, forbiddenMessage, INVALID_KEY_MESSAGE } from './auth.decorator';

/**
 * The global guard: every HTTP route must declare `@Auth(...roles)` or `@Public()`. A route that
 * declares neither is refused (403) rather than left open by omission. On `@Auth` routes the key
 * in `x-api-key` must exist, be active and have one of the roles (admin has them all); the key
 * is then left on the request for `@CurrentKey()`.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(ApiKeyGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const declaration = this.reflector.getAllAndOverride<AuthDeclaration | undefined>(AUTH_METADATA, [context.getHandler(), context.getClass()]);
    if (!declaration) {
      const route = `${context.getClass().name}.${context.getHandler().name}`;
      this.logger.error(`${route} declares neither @Auth(...) nor @Public(); it is refused until it does`);
      throw new ForbiddenException('This route declares no required role, so it is refused');
    }
    if (declaration.public) return true;

    const request = context.switchToHttp().getRequest<IncomingMessage & AuthenticatedRequest>();
    const secret = request.headers[API_KEY_HEADER];
    const key = typeof secret === 'string' && secret !== '' ? await this.keys.authenticate(secret) : undefined;
    if (!key) throw new UnauthorizedException(INVALID_KEY_MESSAGE);
    if (!allowedRoles(declaration.roles).includes(key.role)) throw new ForbiddenException(forbiddenMessage(declaration.roles, key.role));
    request[AUTHENTICATED_KEY] = key;
    return true;
  }
}
