import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { h } from './dom';

interface Canvas {
  zoom(level: 'fit-viewport', center?: 'auto'): void;
  addMarker(elementId: string, marker: string): void;
  removeMarker(elementId: string, marker: string): void;
}

interface Overlays {
  add(elementId: string, type: string, overlay: { position: { top?: number; right?: number; bottom?: number; left?: number }; html: HTMLElement }): string;
  remove(filter: { type: string }): void;
}

interface ElementRegistry {
  get(id: string): { id: string; type: string; businessObject: { name?: string } } | undefined;
  getAll(): { id: string; type: string; businessObject: { name?: string } }[];
}

/**
 * A read-only BPMN diagram (pan and zoom) for the screens that show what happened on one:
 * markers on elements (`.path-completed`, `.path-active`, `.path-incident`, heatmap levels…) and
 * HTML overlays (counts, badges). The modeller has its own, editable canvas.
 */
export class DiagramViewer {
  readonly element: HTMLElement = h('div', { class: 'diagram' });
  private readonly viewer = new NavigatedViewer({ container: this.element });

  /** Shows `xml`, fitted to the container; rejects with bpmn-js's error for XML it cannot read. */
  async show(xml: string): Promise<void> {
    await this.viewer.importXML(xml);
    this.canvas.zoom('fit-viewport', 'auto');
  }

  /** Ids of the diagram's elements that are flow nodes or flows (not the process, labels or the plane). */
  elementIds(): string[] {
    return this.registry
      .getAll()
      .filter((element) => element.type !== 'label' && !element.type.endsWith(':Process') && !element.type.endsWith(':Collaboration'))
      .map((element) => element.id);
  }

  has(elementId: string): boolean {
    return this.registry.get(elementId) !== undefined;
  }

  nameOf(elementId: string): string {
    return this.registry.get(elementId)?.businessObject.name ?? elementId;
  }

  mark(elementId: string, marker: string): void {
    if (this.has(elementId)) this.canvas.addMarker(elementId, marker);
  }

  unmark(elementId: string, marker: string): void {
    if (this.has(elementId)) this.canvas.removeMarker(elementId, marker);
  }

  /** An HTML overlay of kind `type` on the element (top right unless `position` says otherwise). */
  overlay(elementId: string, type: string, html: HTMLElement, position: { top?: number; right?: number; bottom?: number; left?: number } = { top: -12, right: 12 }): void {
    if (this.has(elementId)) this.overlays.add(elementId, type, { position, html });
  }

  clearOverlays(type: string): void {
    this.overlays.remove({ type });
  }

  destroy(): void {
    this.viewer.destroy();
  }

  private get canvas(): Canvas {
    return this.viewer.get<Canvas>('canvas');
  }

  private get overlays(): Overlays {
    return this.viewer.get<Overlays>('overlays');
  }

  private get registry(): ElementRegistry {
    return this.viewer.get<ElementRegistry>('elementRegistry');
  }
}
