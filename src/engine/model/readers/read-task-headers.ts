import { attr, children, extensions, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';

const RESERVED_PREFIX = 'io.camunda.zeebe:';

/**
 * Reads `zeebe:taskHeaders` in document order. Like Zeebe, headers with an empty key or value
 * are dropped, and reserved or duplicate keys are problems. Undefined when there are none.
 */
export function readTaskHeaders(ctx: ParseContext, element: ModdleElement): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const container of extensions(element, 'zeebe:TaskHeaders')) {
    for (const header of children(container, 'values')) {
      const key = attr(header, 'key');
      const value = attr(header, 'value');
      if (key === undefined) continue;
      if (key.startsWith(RESERVED_PREFIX)) ctx.report(element.id, Problems.reservedHeader(key));
      if (seen.has(key)) ctx.report(element.id, Problems.duplicateHeader(key));
      seen.add(key);
      if (isPresent(key) && isPresent(value)) headers[key] = value;
    }
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}
