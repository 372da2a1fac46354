import type { DiffElement, DiffElementChange, DiffFlow, DiffFlowChange, VersionDiff } from '../entities/journey-version.entity';
import type { DiagramElementSummary, DiagramFlowSummary, DiagramSummary } from '../repositories/bpmn-diagram';

/**
 * What changed from one version's process to the next, by element id: elements and sequence
 * flows added, removed, or changed (and in which aspects). Layout (DI) and formatting are not
 * part of the summaries, so moving a shape changes nothing here.
 */
export function diffDiagrams(
  previous: { number: number; checksum: string; summary: DiagramSummary },
  next: { checksum: string; summary: DiagramSummary },
): VersionDiff {
  const elements = diffById(previous.summary.elements, next.summary.elements);
  const flows = diffById(previous.summary.flows, next.summary.flows);
  const changedElements = elements.common.flatMap(([before, after]): DiffElementChange[] => {
    const changes = changedAspects(before.aspects, after.aspects);
    if (before.type === after.type && changes.length === 0) return [];
    return [
      before.type === after.type
        ? { id: after.id, type: after.type, changes }
        : { id: after.id, type: after.type, previousType: before.type, changes: ['type', ...changes] },
    ];
  });
  const changedFlows = flows.common.flatMap(([before, after]): DiffFlowChange[] => {
    const changes = changedAspects(before.aspects, after.aspects);
    return changes.length === 0 ? [] : [{ ...flowRef(after), changes }];
  });
  const result = {
    elements: { added: elements.added.map(elementRef), removed: elements.removed.map(elementRef), changed: changedElements },
    flows: { added: flows.added.map(flowRef), removed: flows.removed.map(flowRef), changed: changedFlows },
  };
  const unchanged = [result.elements, result.flows].every((part) => part.added.length + part.removed.length + part.changed.length === 0);
  return { previousVersion: previous.number, identical: previous.checksum === next.checksum, unchanged, ...result };
}

function diffById<T extends { id: string }>(before: readonly T[], after: readonly T[]) {
  const beforeById = new Map(before.map((item) => [item.id, item]));
  const afterIds = new Set(after.map((item) => item.id));
  return {
    added: after.filter((item) => !beforeById.has(item.id)),
    removed: before.filter((item) => !afterIds.has(item.id)),
    common: after.filter((item) => beforeById.has(item.id)).map((item) => [beforeById.get(item.id)!, item] as const),
  };
}

function changedAspects(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}

function elementRef(element: DiagramElementSummary): DiffElement {
  return { id: element.id, type: element.type, ...(element.name ? { name: element.name } : {}) };
}

function flowRef(flow: DiagramFlowSummary): DiffFlow {
  return { id: flow.id, sourceRef: flow.sourceRef, targetRef: flow.targetRef };
}
