/**
 * The slice of a bpmn-moddle element the parser reads. bpmn-moddle's generated typings describe
 * each BPMN type separately; the parser dispatches on `$type` anyway, so one loose shape with
 * typed accessors keeps the readers short without casting at every step.
 */
export interface ModdleElement {
  readonly $type: string;
  readonly $parent?: ModdleElement;
  readonly id?: string;
  readonly name?: string;
  readonly [property: string]: unknown;
}

/** A string attribute, or undefined when it is absent or not a string. */
export function attr(element: ModdleElement, property: string): string | undefined {
  const value = element[property];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean attribute with its BPMN default. */
export function flag(element: ModdleElement, property: string, defaultValue: boolean): boolean {
  const value = element[property];
  return typeof value === 'boolean' ? value : defaultValue;
}

/** A single contained or referenced element, or undefined. */
export function child(element: ModdleElement, property: string): ModdleElement | undefined {
  const value = element[property];
  return isModdleElement(value) ? value : undefined;
}

/** A many-valued property (contained elements or references), empty when absent. */
export function children(element: ModdleElement, property: string): ModdleElement[] {
  const value = element[property];
  return Array.isArray(value) ? value.filter(isModdleElement) : [];
}

/** The `zeebe:*` (or other) extension elements of the given type, in document order. */
export function extensions(element: ModdleElement, type: string): ModdleElement[] {
  const container = child(element, 'extensionElements');
  if (!container) return [];
  return children(container, 'values').filter((value) => value.$type === type);
}

/** The text of a `bpmn:Expression` child (condition, timer, completion condition), trimmed. */
export function expressionBody(element: ModdleElement, property: string): string | undefined {
  const expression = child(element, property);
  if (!expression) return undefined;
  return attr(expression, 'body')?.trim() ?? '';
}

/** `bpmn:ServiceTask` → `ServiceTask`: how Zeebe names element types in its messages. */
export function localName(type: string): string {
  return type.slice(type.indexOf(':') + 1);
}

/** True when a string attribute is given and not only whitespace. */
export function isPresent(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function isModdleElement(value: unknown): value is ModdleElement {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}
