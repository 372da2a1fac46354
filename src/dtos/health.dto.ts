import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

export type HealthStatus = 'up' | 'down';

export class ComponentHealthDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status: HealthStatus;

  @ApiProperty({ description: 'How long the check took, in milliseconds.', example: 1 })
  durationMs: number;

  @ApiPropertyOptional({ description: 'Why the component is down.', example: 'connect ECONNREFUSED 127.0.0.1:5432' })
  error?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'What the component reports about itself.', example: { gateway: 'localhost:26500' } })
  details?: Record<string, unknown>;
}

export class HealthReportDto {
  @ApiProperty({ enum: ['up', 'down'], description: '`up` when every component is up.', example: 'up' })
  status: HealthStatus;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ComponentHealthDto) },
    example: { database: { status: 'up', durationMs: 1 } },
  })
  components: Record<string, ComponentHealthDto>;
}

export function mapHealthReport(components: Record<string, ComponentHealthDto>): HealthReportDto {
  const status = Object.values(components).every((component) => component.status === 'up') ? 'up' : 'down';
  return { status, components };
}
