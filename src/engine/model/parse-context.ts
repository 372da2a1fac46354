import type { ValidationProblem } from './model';
import type { ModdleElement } from './moddle-element';
import type { UnresolvedReference } from './read-definitions';

/** Validates one FEEL expression (without the leading `=`): an error message, or null when valid. */
export type CheckExpression = (source: string) => string | null;

/**
 * What every reader shares while one resource is parsed: the problems found so far and the
 * FEEL check. Problems are collected, never thrown, so that a deploy lists all of them at once.
 */
export class ParseContext {
  readonly problems: ValidationProblem[] = [];
  private readonly reported = new Set<string>();
  private readonly unresolved = new Map<ModdleElement, Map<string, string>>();

  constructor(
    private readonly checkExpression: CheckExpression,
    unresolvedReferences: readonly UnresolvedReference[],
  ) {
    for (const { element, property, id } of unresolvedReferences) {
      const byProperty = this.unresolved.get(element) ?? new Map<string, string>();
      byProperty.set(property, id);
      this.unresolved.set(element, byProperty);
    }
  }

  /**
   * Records a problem. The same message on the same element is kept once: a shared root element
   * (a message referenced by several catch events) would otherwise repeat it per reference.
   */
  report(elementId: string | undefined, message: string): void {
    const key = `${elementId ?? ''}\u0000${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push(elementId === undefined ? { message } : { elementId, message });
  }

  /** Runs the FEEL check on an expression source and reports its failure on the element. */
  checkFeel(elementId: string | undefined, source: string): void {
    const failure = this.checkExpression(source);
    if (failure !== null) this.report(elementId, failure);
  }

  /** The id an unresolved `element[property]` reference named, if moddle could not resolve it. */
  unresolvedReference(element: ModdleElement, property: string): string | undefined {
    return this.unresolved.get(element)?.get(property);
  }

  /** True when `element[property]` is absent from the XML (not merely unresolved). */
  isMissingReference(element: ModdleElement, property: string): boolean {
    return element[property] === undefined && this.unresolvedReference(element, property) === undefined;
  }
}
