import type { ModdleElement } from './moddle-element';

/** A warning bpmn-moddle reports while reading XML (unknown element, unresolved reference…). */
export interface ModdleWarning {
  message: string;
  /** The element holding an unresolved reference. */
  element?: ModdleElement;
  /** The referencing property, prefixed (`bpmn:targetRef`). */
  property?: string;
  /** The id that could not be resolved. */
  value?: unknown;
}

export interface ModdleReadResult {
  rootElement: ModdleElement;
  warnings: ModdleWarning[];
}

/** The part of a BpmnModdle instance the parser uses. */
export interface BpmnModdleInstance {
  fromXML(xml: string): Promise<ModdleReadResult>;
}

type BpmnModdleConstructor = new (packages: Record<string, unknown>) => BpmnModdleInstance;

let instance: BpmnModdleInstance | undefined;

/**
 * The shared BpmnModdle with the zeebe extension. Building it compiles the meta-model, so it is
 * done once; reading is stateless per call, so one instance serves concurrent deploys.
 */
export function bpmnModdle(): BpmnModdleInstance {
  if (!instance) {
    // Plain `require`: bpmn-moddle ships no typings for its entry point, and this also keeps the
    // compiled CommonJS loading the ES module through require(esm) exactly like Jest does.
    const moddleModule: unknown = require('bpmn-moddle');
    const zeebe: unknown = require('zeebe-bpmn-moddle/resources/zeebe.json');
    const BpmnModdle = bpmnModdleConstructor(moddleModule);
    instance = new BpmnModdle({ zeebe });
  }
  return instance;
}

/**
 * Finds the BpmnModdle class in the loaded module object, whose shape depends on who loaded the
 * ES module: bpmn-moddle 10 has the named export `BpmnModdle`; a default export shows up as
 * `ns.default` when Jest transpiles it to CommonJS and as `ns.default.default` when Node's
 * require(esm) hands over the namespace wrapped once more.
 */
export function bpmnModdleConstructor(moduleObject: unknown): BpmnModdleConstructor {
  const ns = moduleObject as Record<string, unknown> | undefined;
  const inner = ns?.default as Record<string, unknown> | undefined;
  const candidates = [ns?.BpmnModdle, inner?.BpmnModdle, ns?.default, inner?.default, moduleObject];
  const found = candidates.find((candidate) => typeof candidate === 'function');
  if (!found) throw new Error('Expected bpmn-moddle to export the BpmnModdle class, but found none');
  return found as BpmnModdleConstructor;
}
