import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** A bpmn-moddle element: the typed tree bpmn-moddle reads from BPMN XML. */
export interface ModdleElement {
  readonly $type: string;
  $parent?: ModdleElement;
  readonly $attrs?: Record<string, string>;
  readonly $descriptor: { readonly properties: readonly ModdlePropertyDescriptor[] };
  id?: string;
  name?: string;
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  $instanceOf(type: string): boolean;
  [property: string]: unknown;
}

export interface ModdlePropertyDescriptor {
  readonly name: string;
  readonly ns: { readonly name: string };
  readonly isMany?: boolean;
  readonly isReference?: boolean;
}

/** Something bpmn-moddle noticed while reading: an unknown element, an unresolved reference… */
export interface ModdleImportWarning {
  readonly message: string;
  readonly element?: ModdleElement;
  readonly property?: string;
  readonly value?: unknown;
}

export interface BpmnDocument {
  readonly definitions: ModdleElement;
  readonly warnings: readonly ModdleImportWarning[];
}

/** The XML is not a BPMN 2.0 document bpmn-moddle can read. */
export class BpmnReadError extends Error {
  override readonly name = 'BpmnReadError';
}

interface BpmnModdleInstance {
  fromXML(xml: string): Promise<{ rootElement: ModdleElement; warnings: ModdleImportWarning[] }>;
  toXML(element: ModdleElement, options?: { format?: boolean }): Promise<{ xml: string }>;
  create(type: string, attrs?: Record<string, unknown>): ModdleElement;
}

type BpmnModdleConstructor = new (packages: Record<string, unknown>) => BpmnModdleInstance;

/**
 * Reads and writes BPMN XML with bpmn-moddle and the Zeebe extension (zeebe-bpmn-moddle), the
 * same meta-model the Camunda modeller uses. The service's own copy: the engine's parser is an
 * engine internal, and the service reaches the engine through the Zeebe client only.
 */
@Injectable()
export class BpmnModdleRepository {
  private moddle: BpmnModdleInstance | undefined;

  /** Parses a document; throws {@link BpmnReadError} when it is not BPMN 2.0 XML. */
  async read(xml: string): Promise<BpmnDocument> {
    let result: Awaited<ReturnType<BpmnModdleInstance['fromXML']>>;
    try {
      result = await this.instance().fromXML(xml);
    } catch (error) {
      throw new BpmnReadError(error instanceof Error ? error.message.split('\n')[0] : String(error));
    }
    if (result.rootElement?.$type !== 'bpmn:Definitions') {
      throw new BpmnReadError(`Expected a bpmn:definitions root element, but found ${result.rootElement?.$type ?? 'none'}`);
    }
    return { definitions: result.rootElement, warnings: result.warnings };
  }

  /** Serialises a (possibly modified) document, indented. */
  async write(definitions: ModdleElement): Promise<string> {
    return (await this.instance().toXML(definitions, { format: true })).xml;
  }

  /** Hex SHA-256 of a document's text, to tell versions apart. */
  checksum(xml: string): string {
    return createHash('sha256').update(xml, 'utf8').digest('hex');
  }

  /** A new element of the meta-model, e.g. `zeebe:ExecutionListener`. */
  create(type: string, attrs: Record<string, unknown> = {}): ModdleElement {
    return this.instance().create(type, attrs);
  }

  // Building the meta-model compiles it, so it happens once; reading is stateless per call.
  private instance(): BpmnModdleInstance {
    if (!this.moddle) {
      // Plain `require`: bpmn-moddle is an ES module without typings for its entry point; Node
      // loads it through require(esm), Jest through its transform.
      const moddleModule: unknown = require('bpmn-moddle');
      const zeebe: unknown = require('zeebe-bpmn-moddle/resources/zeebe.json');
      this.moddle = new (bpmnModdleConstructor(moddleModule))({ zeebe });
    }
    return this.moddle;
  }
}

// The class sits at `BpmnModdle` (named export), `default` (Jest's CommonJS transform) or
// `default.default` (Node's require(esm) wrapping the namespace once more).
function bpmnModdleConstructor(moduleObject: unknown): BpmnModdleConstructor {
  const ns = moduleObject as Record<string, unknown> | undefined;
  const inner = ns?.default as Record<string, unknown> | undefined;
  const found = [ns?.BpmnModdle, inner?.BpmnModdle, ns?.default, inner?.default, moduleObject].find((c) => typeof c === 'function');
  if (!found) throw new Error('Expected bpmn-moddle to export the BpmnModdle class, but found none');
  return found as BpmnModdleConstructor;
}
