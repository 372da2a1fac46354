import type { ValidationProblem } from './model';
import { bpmnModdle, type ModdleWarning } from './bpmn-moddle-loader';
import { localName, type ModdleElement } from './moddle-element';
import { Problems } from './problem-messages';

const BPMN_NAMESPACE = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

/** A reference bpmn-moddle could not resolve: `element[property]` names the missing `id`. */
export interface UnresolvedReference {
  element: ModdleElement;
  /** Without prefix: `targetRef`, `messageRef`, … */
  property: string;
  id: string;
}

export interface ReadDefinitionsResult {
  /** Absent when the XML could not be read at all. */
  definitions?: ModdleElement;
  problems: ValidationProblem[];
  unresolved: UnresolvedReference[];
}

/**
 * Reads the XML with bpmn-moddle. Malformed XML becomes a problem instead of an exception, and of
 * moddle's warnings the ones Zeebe's schema validation would reject too (unknown or misplaced
 * BPMN elements, duplicate ids) become problems; unknown attributes and elements of other
 * namespaces are ignored, as Zeebe ignores foreign extensions.
 */
export async function readDefinitions(xml: string): Promise<ReadDefinitionsResult> {
  const problems: ValidationProblem[] = [];
  const unresolved: UnresolvedReference[] = [];
  const bpmnPrefixes = declaredBpmnPrefixes(xml);
  const moddle = bpmnModdle();
  try {
    const { rootElement, warnings } = await moddle.fromXML(xml);
    for (const warning of warnings) {
      const reference = asUnresolvedReference(warning);
      if (reference) unresolved.push(reference);
      else problems.push(...problemsOf(warning, bpmnPrefixes));
    }
    return { definitions: rootElement, problems, unresolved };
  } catch (error) {
    return { problems: [{ message: Problems.malformedXml(readFailure(error)) }], unresolved };
  }
}

function asUnresolvedReference(warning: ModdleWarning): UnresolvedReference | undefined {
  if (!warning.message.startsWith('unresolved reference') || !warning.element || !warning.property) return undefined;
  return { element: warning.element, property: localName(warning.property), id: String(warning.value) };
}

function problemsOf(warning: ModdleWarning, bpmnPrefixes: Set<string>): ValidationProblem[] {
  const { tag, nested, position } = parseUnparsable(warning.message);
  if (!tag || !nested) return [];
  const duplicate = /^duplicate ID <(.+)>$/.exec(nested);
  if (duplicate) return [{ elementId: duplicate[1], message: Problems.duplicateId(duplicate[1]) }];
  const illegal = /^illegal ID <(.+)>$/.exec(nested);
  if (illegal) return [{ elementId: illegal[1], message: Problems.invalidId(illegal[1]) }];
  // moddle names unknown types with its own `bpmn:` prefix, misplaced elements with the document's.
  const unknownBpmnType = nested.startsWith('unknown type <bpmn:');
  const misplacedBpmnElement = nested.startsWith('unrecognized element') && bpmnPrefixes.has(prefixOf(tag));
  if (unknownBpmnType || misplacedBpmnElement) return [{ message: Problems.unknownBpmnElement(tag, position) }];
  return [];
}

/** moddle: "unparsable content <tag …> detected\n\tline: 4\n\tcolumn: 2\n\tnested error: …" (0-based). */
function parseUnparsable(message: string): { tag?: string; nested?: string; position: string } {
  const tag = /^unparsable content <([^\s/>]+)/.exec(message)?.[1];
  const nested = /nested error: (.*)$/m.exec(message)?.[1]?.trim();
  const line = /\bline: (\d+)/.exec(message)?.[1];
  const column = /\bcolumn: (\d+)/.exec(message)?.[1];
  const position = line && column ? ` at line ${Number(line) + 1}, column ${Number(column) + 1}` : '';
  return { tag, nested, position };
}

function readFailure(error: unknown): string {
  const warnings = (error as { warnings?: ModdleWarning[] } | null)?.warnings ?? [];
  const detailed = warnings.map((warning) => parseUnparsable(warning.message)).find((parsed) => parsed.nested);
  if (detailed?.nested) return `${detailed.nested}${detailed.position}`;
  const message = error instanceof Error ? error.message : String(error);
  const parsed = parseUnparsable(message);
  return parsed.nested ? `${parsed.nested}${parsed.position}` : message;
}

/** The prefixes the document binds to the BPMN namespace ('' for the default namespace). */
function declaredBpmnPrefixes(xml: string): Set<string> {
  const prefixes = new Set<string>();
  for (const match of xml.matchAll(/xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']/g)) {
    if (match[2] === BPMN_NAMESPACE) prefixes.add(match[1] ?? '');
  }
  return prefixes;
}

function prefixOf(tag: string): string {
  const colon = tag.indexOf(':');
  return colon < 0 ? '' : tag.slice(0, colon);
}
