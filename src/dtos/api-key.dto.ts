import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import type { ApiKeyEntity } from '../entities/api-key.entity';

/**
 * What a key may do: analyst models and deploys journeys; client manages customers, events and
 * enrolments; owner reads history and KPIs and resolves incidents; admin manages keys and passes
 * every role check.
 */
export const ROLES = ['analyst', 'client', 'owner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The key a request authenticated with; handlers receive it through `@CurrentKey()`. */
export interface AuthenticatedKey {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export class CreateApiKeyDto {
  @ApiProperty({ description: 'Who or what uses the key, for people reading the list.', example: 'CRM integration', maxLength: 100 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiProperty({ enum: ROLES, example: 'client' })
  @IsIn(ROLES)
  role: Role;
}

export class ApiKeyIdParamDto {
  @ApiProperty({ format: 'uuid', example: '0b6f7c1e-2f4a-4c55-9a43-8d1b2c3d4e5f' })
  @IsUUID()
  id: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid', example: '0b6f7c1e-2f4a-4c55-9a43-8d1b2c3d4e5f' })
  id: string;

  @ApiProperty({ example: 'CRM integration' })
  name: string;

  @ApiProperty({ enum: ROLES, example: 'client' })
  role: Role;

  @ApiProperty({ description: 'The first characters of the secret, to tell keys apart.', example: 'trv_Xq3vN8aL' })
  prefix: string;

  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:00.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Precise to about a minute.', example: '2025-11-26T10:02:00.000Z' })
  lastUsedAt: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  revokedAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    description: 'The secret to send in the x-api-key header. Shown in this response only: it is stored hashed.',
    example: 'trv_Xq3vN8aLr2mP0kT7wYzB4cD6eF9gH1iJ5kL8mN0oP2q',
  })
  secret: string;
}

export class CurrentApiKeyDto {
  @ApiProperty({ format: 'uuid', example: '0b6f7c1e-2f4a-4c55-9a43-8d1b2c3d4e5f' })
  id: string;

  @ApiProperty({ example: 'CRM integration' })
  name: string;

  @ApiProperty({ enum: ROLES, example: 'client' })
  role: Role;
}

export function mapApiKey(key: ApiKeyEntity): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

export function mapCreatedApiKey(key: ApiKeyEntity, secret: string): CreatedApiKeyDto {
  return { ...mapApiKey(key), secret };
}

export function mapAuthenticatedKey(key: Pick<ApiKeyEntity, 'id' | 'name' | 'role'>): AuthenticatedKey {
  return { id: key.id, name: key.name, role: key.role };
}

export function mapCurrentApiKey(key: AuthenticatedKey): CurrentApiKeyDto {
  return { id: key.id, name: key.name, role: key.role };
}
