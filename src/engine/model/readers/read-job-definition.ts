import type { JobDefinition } from '../model';
import { attr, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readValue } from '../read-value';

/** Zeebe's default for `zeebe:taskDefinition retries` and execution listener retries. */
export const DEFAULT_RETRIES = '3';

/**
 * Reads a `zeebe:taskDefinition` (or an execution listener, which has the same attributes):
 * type is required; retries default to "3" when absent but must not be empty when given.
 * Returns undefined when either is unusable, after reporting why.
 */
export function readJobDefinition(
  ctx: ParseContext,
  elementId: string | undefined,
  definition: ModdleElement,
): JobDefinition | undefined {
  const rawType = attr(definition, 'type');
  const rawRetries = attr(definition, 'retries') ?? DEFAULT_RETRIES;
  if (!isPresent(rawType)) ctx.report(elementId, Problems.attributeRequired('type'));
  if (!isPresent(rawRetries)) ctx.report(elementId, Problems.attributeRequired('retries'));
  const type = isPresent(rawType) ? readValue(ctx, elementId, rawType) : undefined;
  const retries = isPresent(rawRetries) ? readValue(ctx, elementId, rawRetries) : undefined;
  return type && retries ? { type, retries } : undefined;
}
