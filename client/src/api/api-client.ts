import { session } from '../session';

/** One invalid field of a 400, as the API reports it. */
export interface FieldError {
  field: string;
  messages: string[];
}

/** An answer other than 2xx: the API's JSON error body, or what could be made of it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: FieldError[] = [],
    readonly body: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message and every field problem, one per line. */
  get fullMessage(): string {
    return [this.message, ...this.details.flatMap((detail) => detail.messages.map((message) => `${detail.field}: ${message}`))].join('\n');
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * The REST API of the service that serves this client (same origin, under /api), with the
 * session's API key. Every view goes through it; nothing else calls fetch.
 */
export async function api<T>(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}, apiKey?: string): Promise<T> {
  const key = apiKey ?? session.apiKey;
  const response = await fetch(`/api${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key ? { 'x-api-key': key } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const error = (json ?? {}) as { message?: unknown; details?: FieldError[] };
    const message = typeof error.message === 'string' ? error.message : `${method} ${path} answered ${response.status}`;
    if (response.status === 401 && apiKey === undefined) session.expired(message);
    throw new ApiError(response.status, message, Array.isArray(error.details) ? error.details : [], json);
  }
  return json as T;
}

/** GET; `apiKey` only for trying a key that is not the session's yet (sign-in). */
export const get = <T>(path: string, apiKey?: string) => api<T>('GET', path, undefined, {}, apiKey);
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) => api<T>('POST', path, body, headers);
export const put = <T>(path: string, body?: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** A query string from the defined values: `?a=1&b=x`, or '' for none. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== null && entry[1] !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) };
  }
}
