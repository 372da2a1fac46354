import type { TimerDefinition } from '../model';
import { expressionBody, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readValue } from '../read-value';

const KINDS = [
  ['timeDuration', 'duration'],
  ['timeDate', 'date'],
  ['timeCycle', 'cycle'],
] as const;

/**
 * Reads a `bpmn:timerEventDefinition`: exactly one of timeDuration, timeDate and timeCycle,
 * each static (ISO 8601 / cron) or a FEEL expression. An empty one counts as absent.
 */
export function readTimer(ctx: ParseContext, elementId: string, definition: ModdleElement): TimerDefinition | undefined {
  const given = KINDS.flatMap(([property, kind]) => {
    const body = expressionBody(definition, property);
    return isPresent(body) ? [{ kind, body }] : [];
  });
  if (given.length !== 1) {
    ctx.report(elementId, Problems.timerKind);
    return undefined;
  }
  const { kind, body } = given[0];
  const value = readValue(ctx, elementId, body);
  return value && { kind, value };
}
