import request from 'supertest';
import type { App } from 'supertest/types';

/** The parts of an OpenAPI 3.0 document the tests read. */
export interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly nullable?: boolean;
  readonly example?: unknown;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly additionalProperties?: boolean | Schema;
  readonly allOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
}

export interface MediaType {
  readonly schema?: Schema;
  readonly example?: unknown;
  readonly examples?: Readonly<Record<string, { readonly summary?: string; readonly value: unknown }>>;
}

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required?: boolean;
  readonly example?: unknown;
  readonly schema?: Schema;
}

export interface Operation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly security?: readonly Record<string, unknown>[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content: Readonly<Record<string, MediaType>> };
  readonly responses: Readonly<Record<string, { readonly description?: string; readonly content?: Readonly<Record<string, MediaType>> }>>;
  readonly 'x-roles'?: readonly string[];
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Partial<Record<Method, Operation>>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, Schema>> };
}

export interface DocumentedOperation {
  readonly method: Method;
  /** As documented, e.g. `/api/journeys/{id}`. */
  readonly path: string;
  readonly operation: Operation;
  /** `PATCH /api/journeys/{id}`, for messages. */
  readonly name: string;
}

export async function fetchOpenApiDocument(http: App): Promise<OpenApiDocument> {
  return (await request(http).get('/api/docs-json').expect(200)).body as OpenApiDocument;
}

/** Every path × method of the document. */
export function documentedOperations(document: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    (Object.entries(methods) as [Method, Operation][]).map(([method, operation]) => ({ method, path, operation, name: `${method.toUpperCase()} ${path}` })),
  );
}

/** The schema a `$ref` names; a schema without one as it is. */
export function resolveSchema(document: OpenApiDocument, schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const resolved = document.components.schemas[schemaName(schema.$ref)];
  if (!resolved) throw new Error(`${schema.$ref} names no schema of the document`);
  return resolved;
}

/** `#/components/schemas/CustomerDto` → `CustomerDto`. */
export function schemaName(ref: string): string {
  return ref.replace('#/components/schemas/', '');
}

/**
 * The example a schema documents: its own, or else one assembled from its properties' (every
 * property, optional ones included), its items' or its referenced schema's.
 */
export function exampleOf(document: OpenApiDocument, schema: Schema): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.$ref) return exampleOf(document, resolveSchema(document, schema));
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => exampleOf(document, part)));
  if (schema.type === 'array' && schema.items) return [exampleOf(document, schema.items)];
  if (schema.properties) {
    return Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, exampleOf(document, property)]));
  }
  return undefined;
}

/** The documented request bodies of an operation: its named examples, or else its schema's example. */
export function requestBodyExamples(document: OpenApiDocument, operation: Operation): { name: string; value: unknown }[] {
  const media = operation.requestBody?.content['application/json'];
  if (!media) return [];
  if (media.examples) return Object.entries(media.examples).map(([name, example]) => ({ name, value: example.value }));
  if (media.example !== undefined) return [{ name: 'example', value: media.example }];
  return media.schema ? [{ name: 'schema', value: exampleOf(document, media.schema) }] : [];
}

/** The example of a parameter: its own or its schema's. */
export function parameterExample(parameter: Parameter): unknown {
  return parameter.example ?? parameter.schema?.example;
}

/** The path with each `{param}` replaced by `value(param)`, URL-encoded. */
export function concretePath(path: string, value: (name: string) => string): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(value(name)));
}

/** The path with its parameters' documented examples. */
export function examplePath(operation: DocumentedOperation): string {
  const examples = new Map((operation.operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, String(parameterExample(p))]));
  return concretePath(operation.path, (name) => examples.get(name) ?? 'undocumented');
}
