import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-element-templates/dist/assets/element-templates.css';
import '@bpmn-io/element-template-chooser/dist/element-template-chooser.css';
import ElementTemplateChooserModule from '@bpmn-io/element-template-chooser';
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule } from 'bpmn-js-properties-panel';
import { CloudElementTemplatesPropertiesProviderModule } from 'bpmn-js-element-templates';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';

/** An element of the diagram as diagram-js hands it out. */
export interface DiagramElement {
  id: string;
  type: string;
  businessObject: { id: string; name?: string; $type: string };
}

interface Services {
  canvas: { zoom(level: 'fit-viewport', center?: 'auto'): void; scrollToElement(element: DiagramElement): void; addMarker(id: string, marker: string): void; removeMarker(id: string, marker: string): void };
  elementRegistry: { get(id: string): DiagramElement | undefined };
  selection: { select(element: DiagramElement): void };
  eventBus: { on(event: string, callback: (event: { elements?: DiagramElement[]; newSelection?: DiagramElement[] }) => void): void };
  overlays: { add(id: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement }): string; remove(filter: { type: string }): void };
  commandStack: { canUndo(): boolean };
}

/**
 * The bpmn-js Modeler set up for Camunda 8: the Zeebe moddle extension and modelling behaviours,
 * the properties panel with its Zeebe properties (task definitions, headers, io mappings,
 * subscriptions, timers…), and the touchpoint element templates (applied from the panel or the
 * template chooser). The one place that knows bpmn-js's services; views use its methods.
 */
export class JourneyModeler {
  private readonly modeler: Modeler;

  constructor(canvas: HTMLElement, panel: HTMLElement, elementTemplates: unknown[]) {
    this.modeler = new Modeler({
      container: canvas,
      propertiesPanel: { parent: panel },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        ZeebePropertiesProviderModule,
        CloudElementTemplatesPropertiesProviderModule,
        ElementTemplateChooserModule,
        ZeebeBehaviorsModule,
      ] as never[],
      moddleExtensions: { zeebe: zeebeModdle },
    } as never);
    // Loaded once the listener is on: a template the modeller refuses would silently be missing from its chooser.
    this.services.eventBus.on('elementTemplates.errors', (event) => console.error('Element templates refused:', ...((event as { errors?: Error[] }).errors ?? []).map((error) => error.message)));
    this.modeler.get<{ setTemplates(templates: unknown[]): void }>('elementTemplatesLoader').setTemplates(elementTemplates);
  }

  /** Shows `xml`; resolves with bpmn-js's import warnings, rejects when it cannot read it. */
  async open(xml: string): Promise<string[]> {
    const result = await this.modeler.importXML(xml);
    this.services.canvas.zoom('fit-viewport', 'auto');
    return result.warnings.map((warning) => (warning as { message?: string }).message ?? String(warning));
  }

  async xml(): Promise<string> {
    const { xml } = await this.modeler.saveXML({ format: true });
    if (xml === undefined) throw new Error('The modeller produced no XML');
    return xml;
  }

  /** Called after every change of the diagram (each command done, undone or redone). */
  onChange(callback: () => void): void {
    this.services.eventBus.on('commandStack.changed', () => callback());
  }

  has(elementId: string): boolean {
    return this.services.elementRegistry.get(elementId) !== undefined;
  }

  nameOf(elementId: string): string {
    return this.services.elementRegistry.get(elementId)?.businessObject.name ?? elementId;
  }

  /** Selects the element (its properties show in the panel) and scrolls it into view. */
  focus(elementId: string): void {
    const element = this.services.elementRegistry.get(elementId);
    if (!element) return;
    this.services.selection.select(element);
    this.services.canvas.scrollToElement(element);
  }

  overlay(elementId: string, type: string, html: HTMLElement): void {
    if (this.has(elementId)) this.services.overlays.add(elementId, type, { position: { top: -10, left: -10 }, html });
  }

  clearOverlays(type: string): void {
    this.services.overlays.remove({ type });
  }

  mark(elementId: string, marker: string): void {
    if (this.has(elementId)) this.services.canvas.addMarker(elementId, marker);
  }

  unmark(elementId: string, marker: string): void {
    if (this.has(elementId)) this.services.canvas.removeMarker(elementId, marker);
  }

  /** For the browser tests and the curious: bpmn-js's own API (`modeler.get('modeling')`…). */
  get bpmnJs(): Modeler {
    return this.modeler;
  }

  destroy(): void {
    this.modeler.destroy();
  }

  private get services(): Services {
    return {
      canvas: this.modeler.get('canvas'),
      elementRegistry: this.modeler.get('elementRegistry'),
      selection: this.modeler.get('selection'),
      eventBus: this.modeler.get('eventBus'),
      overlays: this.modeler.get('overlays'),
      commandStack: this.modeler.get('commandStack'),
    };
  }
}
