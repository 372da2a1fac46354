import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsNotEmpty, IsString, Min, ValidateNested } from 'class-validator';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { Public } from '../src/middleware';
import { MetricsRepository } from '../src/repositories';
import { HealthService } from '../src/services';
import { runServiceProcess } from './helpers/service-process';
import { createTestApp, type TestApp } from './helpers/test-app';

// Test-only endpoints, to see how the real pipe and filter treat bad input.
class AddressDto {
  @IsString()
  @IsNotEmpty()
  city: string;
}

class CreateCustomerDto {
  @IsEmail()
  email: string;

  @IsInt()
  @Min(0)
  age: number;

  @ValidateNested()
  @Type(() => AddressDto)
  address: AddressDto;
}

@Public()
@Controller('test/customers')
class TestCustomersController {
  @Post()
  create(@Body() customer: CreateCustomerDto): CreateCustomerDto {
    return customer;
  }

  @Get('broken')
  broken(): never {
    throw new Error('secret internal detail');
  }
}

@Module({ controllers: [TestCustomersController] })
class TestCustomersModule {}

describe('Travesía service (e2e)', () => {
  let testApp: TestApp;
  let http: App;

  beforeAll(async () => {
    testApp = await createTestApp({ imports: [TestCustomersModule] });
    http = testApp.app.getHttpServer();
  });

  afterAll(() => testApp?.close());

  describe('GET /api/health', () => {
    it('should answer 200 with every component up: the database and the embedded engine', async () => {
      // when
      const response = await request(http).get('/api/health').expect(200);

      // then
      expect(response.body).toEqual({
        status: 'up',
        components: {
          database: { status: 'up', durationMs: expect.any(Number) },
          engine: {
            status: 'up',
            durationMs: expect.any(Number),
            details: { gateway: `grpc://127.0.0.1:${testApp.config.engine.grpcPort}`, queued: expect.any(Number) },
          },
        },
      });
    });

    it('should answer 503 when a registered component is down', async () => {
      // given
      const health = testApp.app.get(HealthService);
      const unregister = health.register({ name: 'mailer', check: () => Promise.reject(new Error('not started')) });

      // when
      const response = await request(http).get('/api/health').expect(503);
      unregister();

      // then
      expect(response.body.status).toBe('down');
      expect(response.body.components.mailer).toEqual({ status: 'down', durationMs: expect.any(Number), error: 'not started' });
      expect(response.body.components.database.status).toBe('up');
      await request(http).get('/api/health').expect(200);
    });

    it('should show what a component reports about itself', async () => {
      // given
      const health = testApp.app.get(HealthService);
      const unregister = health.register({ name: 'zeebe', check: async () => ({ gatewayVersion: '8.8.0' }) });

      // when
      const response = await request(http).get('/api/health').expect(200);
      unregister();

      // then
      expect(response.body.components.zeebe).toMatchObject({ status: 'up', details: { gatewayVersion: '8.8.0' } });
    });

    it('should echo the request id given by the caller, and make one up otherwise', async () => {
      const given = await request(http).get('/api/health').set('x-request-id', 'checkout-42');
      const madeUp = await request(http).get('/api/health');

      expect(given.headers['x-request-id']).toBe('checkout-42');
      expect(madeUp.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('database', () => {
    it('should have run the migrations at boot', async () => {
      const client = new Client({ connectionString: testApp.databaseUrl });
      await client.connect();
      try {
        const schemas = await client.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'travesia'");
        const migrations = await client.query('SELECT name FROM travesia_migrations');
        expect(schemas.rowCount).toBe(1);
        expect(migrations.rows.map((row) => row.name)).toContain('CreateTravesiaSchema1763990000000');
      } finally {
        await client.end();
      }
    });
  });

  describe('OpenAPI', () => {
    it('should describe the API at /api/docs-json, with the API-key scheme', async () => {
      // when
      const { body } = await request(http).get('/api/docs-json').expect(200);

      // then
      expect(body.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(body.info).toMatchObject({ title: 'Travesía', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
      expect(body.info.description).toEqual(expect.any(String));
      expect(body.components.securitySchemes['api-key']).toEqual({
        type: 'apiKey',
        in: 'header',
        name: 'x-api-key',
        description: expect.any(String),
      });
      expect(body.paths['/api/health'].get.responses).toHaveProperty('503');
      expect(body.paths['/metrics'].get).toBeDefined();
      expect(body.components.schemas.HealthReportDto).toBeDefined();
    });

    it('should serve Swagger UI at /api/docs', async () => {
      const response = await request(http).get('/api/docs').expect(200);

      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.text).toContain('swagger');
    });
  });

  describe('GET /metrics', () => {
    it('should expose process metrics, the HTTP histogram and metrics registered by other modules', async () => {
      // given
      const commands = testApp.app
        .get(MetricsRepository)
        .counter({ name: 'travesia_test_commands_total', help: 'Commands processed in this test.', labelNames: ['type'] });
      commands.inc({ type: 'CreateProcessInstance' }, 3);
      await request(http).get('/api/health').expect(200);
      await request(http).get('/api/does-not-exist').expect(404);

      // when
      const response = await request(http).get('/metrics').expect(200);

      // then
      expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
      expect(response.text).toContain('process_cpu_user_seconds_total');
      expect(response.text).toContain('nodejs_heap_size_used_bytes');
      expect(response.text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(response.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/health",status_code="200"\} \d+/);
      expect(response.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} \d+/);
      expect(response.text).toContain('travesia_test_commands_total{type="CreateProcessInstance"} 3');
    });
  });

  describe('errors', () => {
    it('should reject invalid input with 400 and the problems of each field', async () => {
      // when
      const response = await request(http)
        .post('/api/test/customers')
        .send({ email: 'not-an-email', age: -1, address: { city: '' }, nickname: 'x' })
        .expect(400);

      // then
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Validation failed',
        details: expect.arrayContaining([
          { field: 'email', messages: ['email must be an email'] },
          { field: 'age', messages: ['age must not be less than 0'] },
          { field: 'address.city', messages: ['city should not be empty'] },
          { field: 'nickname', messages: ['property nickname should not exist'] },
        ]),
      });
      expect(response.body.details).toHaveLength(4);
    });

    it('should accept valid input and hand the controller a DTO', async () => {
      const customer = { email: 'ana@example.com', age: 34, address: { city: 'Sevilla' } };

      await request(http).post('/api/test/customers').send(customer).expect(201, customer);
    });

    it('should answer 400, not 500, to a body that is missing or not JSON', async () => {
      const missing = await request(http).post('/api/test/customers').expect(400);
      const malformed = await request(http)
        .post('/api/test/customers')
        .set('content-type', 'application/json')
        .send('{"email": ')
        .expect(400);

      expect(missing.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'Validation failed' });
      expect(malformed.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('JSON') });
    });

    it('should answer 404 in the same shape', async () => {
      const response = await request(http).get('/api/nowhere').expect(404);

      expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/nowhere' });
    });

    it('should hide the details of an unexpected error', async () => {
      const response = await request(http).get('/api/test/customers/broken').expect(500);

      expect(response.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
    });
  });

  describe('boot', () => {
    it('should exit with a message listing every invalid variable', async () => {
      // when
      const { code, stderr } = await runServiceProcess({
        PORT: 'abc',
        ROLE: 'boss',
        ZEEBE_GRPC_ADDRESS: 'localhost:26500',
        DATABASE_URL: 'mysql://root:hunter2@db/travesia',
      });

      // then
      expect(code).toBe(1);
      expect(stderr).toContain('Invalid environment (4 problems)');
      for (const variable of ['PORT', 'ROLE', 'ZEEBE_GRPC_ADDRESS', 'DATABASE_URL']) expect(stderr).toContain(`- ${variable} `);
      expect(stderr).not.toContain('hunter2');
    });
  });
});
