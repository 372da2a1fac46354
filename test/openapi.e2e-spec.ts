import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import request from 'supertest';
import type { App } from 'supertest/types';
import * as dtos from '../src/dtos';
import { createKeys, type RoleKeys } from './helpers/auth';
import {
  type DocumentedOperation,
  documentedOperations,
  examplePath,
  exampleOf,
  fetchOpenApiDocument,
  type OpenApiDocument,
  parameterExample,
  requestBodyExamples,
  resolveSchema,
  type Schema,
  schemaName,
} from './helpers/openapi';
import { createTestApp, type TestApp } from './helpers/test-app';

const ERROR_SCHEMA = '#/components/schemas/ErrorResponseDto';
/** Operations whose path names something they create when it is missing: no 404. */
const UPSERTS = new Set(['PUT /api/customers/{externalId}', 'POST /api/customers/{externalId}/identify']);

/**
 * The OpenAPI document as clients read it (/api/docs-json): every operation and schema
 * documented, with examples that fit their schema, and request examples the API accepts.
 */
describe('the OpenAPI document (e2e)', () => {
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;
  let document: OpenApiDocument;
  let operations: DocumentedOperation[];

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
    document = await fetchOpenApiDocument(http);
    operations = documentedOperations(document);
  }, 60_000);

  afterAll(() => testApp?.close());

  const schemaOf = (name: string) => document.components.schemas[name];
  const protectedOperations = () => operations.filter(({ operation }) => operation.security !== undefined);

  describe('operations', () => {
    it('should give every operation a summary', () => {
      expect(operations.length).toBeGreaterThan(30);
      expect(operations.filter(({ operation }) => !operation.summary?.trim()).map(({ name }) => name)).toEqual([]);
    });

    it('should declare a success response with a schema for every operation (none for 204 No Content)', () => {
      const problems: string[] = [];
      for (const { name, operation } of operations) {
        const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
        if (successes.length === 0) problems.push(`${name}: no success response`);
        for (const [status, response] of successes) {
          const schemas = Object.values(response.content ?? {}).map((media) => media.schema);
          if (status === '204' ? schemas.length > 0 : schemas.length === 0 || schemas.some((schema) => !schema)) problems.push(`${name} ${status}: ${schemas.length} schemas`);
          if (!response.description) problems.push(`${name} ${status}: no description`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('should declare 401 on every protected operation, and 403 unless every role may call it', () => {
      const everyRole = [...dtos.ROLES].sort();
      const declared = protectedOperations().map(({ name, operation }) => ({
        name,
        responses: ['401', '403'].filter((status) => status in operation.responses),
      }));
      const expected = protectedOperations().map(({ name, operation }) => ({
        name,
        responses: [...(operation['x-roles'] ?? [])].sort().join() === everyRole.join() ? ['401'] : ['401', '403'],
      }));

      expect(protectedOperations().length).toBe(operations.length - 2);
      expect(declared).toEqual(expected);
    });

    it('should declare 400 where input is validated, and 404 where the path names something that must exist', () => {
      const problems: string[] = [];
      for (const { name, path, operation } of operations) {
        const validated = (operation.parameters ?? []).some((p) => p.in !== 'header') || operation.requestBody !== undefined;
        if (validated && !operation.responses['400']) problems.push(`${name}: no 400`);
        if (path.includes('{') && !UPSERTS.has(name) && !operation.responses['404']) problems.push(`${name}: no 404`);
      }
      expect(problems).toEqual([]);
    });

    it('should answer every error with the error schema and an example body of its status', () => {
      const problems: string[] = [];
      for (const { name, operation } of operations) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400 || status === '422' || name === 'GET /api/health') continue;
          const media = response.content?.['application/json'];
          if (media?.schema?.$ref !== ERROR_SCHEMA) problems.push(`${name} ${status}: schema ${JSON.stringify(media?.schema)}`);
          const example = media?.example as { statusCode?: number; details?: unknown[] } | undefined;
          if (example?.statusCode !== Number(status)) problems.push(`${name} ${status}: example ${JSON.stringify(example)}`);
          if (status === '400' && response.description?.includes('`details`') && !example?.details?.length) problems.push(`${name} 400: example without details`);
          problems.push(...conformance(document, example, { $ref: ERROR_SCHEMA }, `${name} ${status} example`));
        }
      }
      expect(problems).toEqual([]);
    });
  });

  describe('schemas', () => {
    it('should point every $ref at a schema of the document', () => {
      const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]);
      expect(refs.length).toBeGreaterThan(50);
      expect([...new Set(refs)].filter((ref) => !ref.startsWith('#/components/schemas/') || !schemaOf(schemaName(ref)))).toEqual([]);
    });

    it('should give every schema properties', () => {
      const empty = Object.entries(document.components.schemas).filter(([, schema]) => Object.keys(schema.properties ?? {}).length === 0);
      expect(empty.map(([name]) => name)).toEqual([]);
    });

    it('should give every property an example, or a referenced schema that has them (free-form objects aside)', () => {
      const missing = Object.entries(document.components.schemas).flatMap(([name, schema]) => propertiesWithoutExample(schema, name));
      expect(missing).toEqual([]);
    });

    it('should give examples that fit their own schema (type, format, enum, pattern, nullable, nested shape)', () => {
      const problems = Object.entries(document.components.schemas).flatMap(([name, schema]) =>
        Object.entries(schema.properties ?? {})
          .filter(([, property]) => property.example !== undefined)
          .flatMap(([property, definition]) => conformance(document, definition.example, definition, `${name}.${property}`)),
      );
      expect(problems).toEqual([]);
    });

    it('should give every parameter an example that fits its schema', () => {
      const problems = operations.flatMap(({ name, operation }) =>
        (operation.parameters ?? []).flatMap((parameter) => {
          const example = parameterExample(parameter);
          if (example === undefined) return [`${name} ${parameter.in} ${parameter.name}: no example`];
          return conformance(document, example, parameter.schema ?? {}, `${name} ${parameter.in} ${parameter.name}`);
        }),
      );
      expect(problems).toEqual([]);
    });

    it('should document request bodies whose examples fit their schema', () => {
      const bodies = operations.filter(({ operation }) => operation.requestBody);
      const problems = bodies.flatMap(({ name, operation }) =>
        requestBodyExamples(document, operation).flatMap(({ name: example, value }) =>
          conformance(document, value, operation.requestBody?.content['application/json'].schema ?? {}, `${name} example ${example}`),
        ),
      );
      expect(bodies.length).toBeGreaterThan(10);
      expect(problems).toEqual([]);
    });
  });

  describe('examples as input', () => {
    it('should validate every documented request body against its DTO, as the API validates it', async () => {
      const checked: string[] = [];
      const problems: string[] = [];
      for (const { name, operation } of operations) {
        const ref = operation.requestBody?.content['application/json'].schema?.$ref;
        if (!ref) continue;
        for (const { name: example, value } of requestBodyExamples(document, operation)) {
          const errors = await validationErrors(schemaName(ref), value);
          checked.push(`${name} ${example}`);
          if (errors.length > 0) problems.push(`${name} ${example}: ${JSON.stringify(errors)}`);
        }
      }
      expect(checked.length).toBeGreaterThan(10);
      expect(problems).toEqual([]);
    });

    it('should create a customer from the documented example of PUT /api/customers/{externalId}, answering as documented', async () => {
      // given
      const upsert = operation('put', '/api/customers/{externalId}');
      const [body] = requestBodyExamples(document, upsert.operation);

      // when
      const response = await request(http).put(examplePath(upsert)).set('x-api-key', keys.client).send(body.value as object);

      // then
      expect({ status: response.status, body: response.body }).toEqual({ status: 201, body: expect.objectContaining({ externalId: 'crm-000123' }) });
      expect(conformance(document, response.body, { $ref: '#/components/schemas/CustomerDto' }, 'PUT response')).toEqual([]);
    });

    it('should accept the documented events of POST /api/events and POST /api/events/batch', async () => {
      // given
      const single = operation('post', '/api/events');
      const batch = operation('post', '/api/events/batch');
      await request(http).put('/api/customers/crm-000123').set('x-api-key', keys.client).send({}).expect((r) => expect([200, 201]).toContain(r.status));

      // when
      const singles = [];
      for (const { value } of requestBodyExamples(document, single.operation)) {
        singles.push(await request(http).post('/api/events').set('x-api-key', keys.client).send(value as object));
      }
      const [batchBody] = requestBodyExamples(document, batch.operation);
      const batched = await request(http).post('/api/events/batch').set('x-api-key', keys.client).send(batchBody.value as object);

      // then: the single posts store them; the batch repeats them, so they are duplicates
      expect(singles.map((response) => response.status)).toEqual([201, 201]);
      expect(batched.status).toBe(200);
      expect(batched.body).toMatchObject({ accepted: 0, duplicates: 2, refused: 0 });
      for (const response of singles) expect(conformance(document, response.body, { $ref: '#/components/schemas/IngestedEventDto' }, 'event')).toEqual([]);
      expect(conformance(document, batched.body, { $ref: '#/components/schemas/IngestedBatchDto' }, 'batch')).toEqual([]);
    });

    it('should create a key, a journey and a valid version from the documented examples', async () => {
      // given
      const [keyBody] = requestBodyExamples(document, operation('post', '/api/keys').operation);
      const journeyBodies = requestBodyExamples(document, operation('post', '/api/journeys').operation);
      const [versionBody] = requestBodyExamples(document, operation('post', '/api/journeys/{id}/versions').operation);
      const welcome = journeyBodies.find((body) => (body.value as { processId: string }).processId === 'welcome');

      // when
      const key = await request(http).post('/api/keys').set('x-api-key', keys.admin).send(keyBody.value as object);
      const journeys = [];
      for (const { value } of journeyBodies) journeys.push(await request(http).post('/api/journeys').set('x-api-key', keys.analyst).send(value as object));
      const journeyId = journeys[journeyBodies.indexOf(welcome!)].body.id;
      const version = await request(http).post(`/api/journeys/${journeyId}/versions`).set('x-api-key', keys.analyst).send(versionBody.value as object);

      // then
      expect(key.status).toBe(201);
      expect(journeys.map((response) => response.status)).toEqual(journeyBodies.map(() => 201));
      expect({ status: version.status, validation: version.body.validation }).toEqual({ status: 201, validation: expect.objectContaining({ valid: true, errorCount: 0 }) });
      expect(conformance(document, key.body, { $ref: '#/components/schemas/CreatedApiKeyDto' }, 'key')).toEqual([]);
      expect(conformance(document, journeys[0].body, { $ref: '#/components/schemas/JourneyDto' }, 'journey')).toEqual([]);
      expect(conformance(document, version.body, { $ref: '#/components/schemas/JourneyVersionDto' }, 'version')).toEqual([]);
    });

    it('should change a journey with each documented PATCH example', async () => {
      // given
      const patch = operation('patch', '/api/journeys/{id}');
      const created = await request(http).post('/api/journeys').set('x-api-key', keys.analyst).send({ processId: 'patch-examples', name: 'Patch examples' }).expect(201);

      // when
      const statuses = [];
      for (const { value } of requestBodyExamples(document, patch.operation)) {
        statuses.push((await request(http).patch(`/api/journeys/${created.body.id}`).set('x-api-key', keys.analyst).send(value as object)).status);
      }

      // then
      expect(statuses).toEqual([200, 200]);
    });

    it('should take the documented parameters of every read without a 400', async () => {
      const answers: string[] = [];
      for (const read of operations.filter(({ method }) => method === 'get')) {
        // A cursor only means something to the list that handed it out.
        const query = (read.operation.parameters ?? []).filter((p) => p.in === 'query' && p.name !== 'cursor').map((p) => [p.name, parameterExample(p)] as const);
        const response = await request(http).get(examplePath(read)).query(Object.fromEntries(query)).set('x-api-key', keys.admin);
        if (response.status === 400 || response.status === 500) answers.push(`${read.name} → ${response.status} ${JSON.stringify(response.body)}`);
      }
      expect(answers).toEqual([]);
    });

    it('should answer a missing key and a refused role with the documented 401 and 403 bodies', async () => {
      // given
      const create = operation('post', '/api/keys').operation;

      // when
      const anonymous = await request(http).post('/api/keys').send({});
      const analyst = await request(http).post('/api/keys').set('x-api-key', keys.analyst).send({});

      // then
      expect(anonymous.body).toEqual(create.responses['401'].content?.['application/json'].example);
      expect(analyst.body).toEqual(create.responses['403'].content?.['application/json'].example);
    });

    it('should answer an invalid body with a 400 of the documented shape', async () => {
      // when
      const response = await request(http).post('/api/keys').set('x-api-key', keys.admin).send({ name: 'Bad role', role: 'root' });

      // then
      expect(response.status).toBe(400);
      expect(conformance(document, response.body, { $ref: ERROR_SCHEMA }, '400')).toEqual([]);
      expect(response.body).toEqual(operation('post', '/api/keys').operation.responses['400'].content?.['application/json'].example);
    });
  });

  function operation(method: DocumentedOperation['method'], path: string): DocumentedOperation {
    const found = operations.find((candidate) => candidate.method === method && candidate.path === path);
    if (!found) throw new Error(`${method.toUpperCase()} ${path} is not documented`);
    return found;
  }

  /** Properties without an example of their own, their items' or their referenced schema's, recursively. */
  function propertiesWithoutExample(schema: Schema, where: string): string[] {
    return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
      const path = `${where}.${name}`;
      if (property.example !== undefined || isReference(property)) return [];
      if (property.type === 'array' && property.items && (isReference(property.items) || property.items.example !== undefined)) return [];
      if (property.properties) return propertiesWithoutExample(property, path);
      if (isFreeForm(property)) return [];
      return [path];
    });
  }

  function isReference(schema: Schema): boolean {
    const ref = schema.$ref ?? schema.allOf?.find((part) => part.$ref)?.$ref;
    return ref !== undefined && exampleOf(document, resolveSchema(document, { $ref: ref })) !== undefined;
  }
});

/**
 * The problems per field the API finds in `value` as a body of the DTO `name`: events through
 * the event parser (see IngestEventDto), every other DTO through class-validator with the
 * global pipe's options.
 */
async function validationErrors(name: string, value: unknown): Promise<dtos.FieldErrorDto[]> {
  const parsers: Record<string, (body: unknown) => dtos.ParsedEvents> = { IngestEventDto: dtos.parseIngestEvent, IngestEventBatchDto: dtos.parseIngestEventBatch };
  const parser = parsers[name];
  if (parser) {
    const parsed = parser(value);
    return 'errors' in parsed ? parsed.errors : [];
  }
  const dto = (dtos as Record<string, unknown>)[name];
  if (typeof dto !== 'function') return [{ field: '(body)', messages: [`no DTO class ${name} in src/dtos`] }];
  return dtos.mapValidationErrors(await validate(plainToInstance(dto as new () => object, value), { whitelist: true, forbidNonWhitelisted: true }));
}

/** A free-form object: any JSON object, no properties of its own to give examples for. */
function isFreeForm(schema: Schema): boolean {
  return schema.type === 'object' && !schema.properties && (schema.additionalProperties === true || typeof schema.additionalProperties === 'object');
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Where `value` does not fit `schema` (an OpenAPI 3.0 schema as @nestjs/swagger writes them):
 * types, formats, enums, patterns, bounds, nullability, required and unknown properties.
 */
function conformance(document: OpenApiDocument, value: unknown, schema: Schema, where: string): string[] {
  if (schema.$ref) return conformance(document, value, resolveSchema(document, schema), where);
  if (value === null) return schema.nullable ? [] : [`${where}: null, but not nullable`];
  if (value === undefined) return [`${where}: missing`];
  if (schema.allOf) return schema.allOf.flatMap((part) => conformance(document, value, part, where));
  if (schema.oneOf) return schema.oneOf.some((part) => conformance(document, value, part, where).length === 0) ? [] : [`${where}: fits none of oneOf`];
  const problems: string[] = [];
  const fail = (problem: string) => problems.push(`${where}: ${problem}, got ${JSON.stringify(value)?.slice(0, 80)}`);
  if (schema.enum && !schema.enum.includes(value)) fail(`not one of ${schema.enum.join(', ')}`);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${where}: expected a string, got ${JSON.stringify(value)}`];
      if (schema.format === 'date-time' && !DATE_TIME.test(value)) fail('not an ISO date-time with a zone');
      if (schema.format === 'uuid' && !UUID.test(value)) fail('not a UUID');
      if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) fail(`not matching ${schema.pattern}`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) fail(`longer than ${schema.maxLength}`);
      break;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return [`${where}: expected a ${schema.type}, got ${JSON.stringify(value)}`];
      if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum)) fail('out of bounds');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail('expected a boolean');
      break;
    case 'array':
      if (!Array.isArray(value)) return [`${where}: expected an array, got ${JSON.stringify(value)?.slice(0, 80)}`];
      value.forEach((item, index) => problems.push(...conformance(document, item, schema.items ?? {}, `${where}.${index}`)));
      break;
    case 'object':
    case undefined:
      if (schema.type === undefined && !schema.properties) break;
      if (typeof value !== 'object' || Array.isArray(value)) return [`${where}: expected an object, got ${JSON.stringify(value)?.slice(0, 80)}`];
      problems.push(...objectConformance(document, value as Record<string, unknown>, schema, where));
      break;
  }
  return problems;
}

function objectConformance(document: OpenApiDocument, value: Record<string, unknown>, schema: Schema, where: string): string[] {
  const problems: string[] = [];
  const properties = schema.properties ?? {};
  for (const name of schema.required ?? []) if (!(name in value)) problems.push(`${where}.${name}: required, missing`);
  for (const [name, item] of Object.entries(value)) {
    const property = properties[name];
    if (property) problems.push(...conformance(document, item, property, `${where}.${name}`));
    else if (typeof schema.additionalProperties === 'object') problems.push(...conformance(document, item, schema.additionalProperties, `${where}.${name}`));
    else if (schema.additionalProperties !== true) problems.push(`${where}.${name}: not a documented property`);
  }
  return problems;
}
