import type { BpmnRuntime } from '../bpmn-runtime';
import { Rejection } from '../errors';
import { TENANT } from '../records/record';
import type { ElementInstance, ProcessDefinition } from '../state/entities';
import type { CreateInstanceRequest } from './api';

/** Finds the definition a create request names, or rejects in Zeebe's words. */
export function resolveDefinition(rt: BpmnRuntime, request: CreateInstanceRequest): ProcessDefinition {
  const { state } = rt;
  if (request.processDefinitionKey !== undefined && request.processDefinitionKey > 0) {
    const definition = state.definitions.get(request.processDefinitionKey);
    if (!definition) {
      throw Rejection.notFound(
        `Expected to find process definition with key '${request.processDefinitionKey}', but none found`,
      );
    }
    return definition;
  }
  const id = request.bpmnProcessId ?? '';
  if (id.trim() === '') {
    throw Rejection.invalidArgument('Expected at least a bpmnProcessId or a key greater than -1, but none given');
  }
  const version = request.version ?? -1;
  if (version < 0) {
    const latest = state.latestDefinition(id);
    if (!latest) throw Rejection.notFound(`Expected to find process definition with process ID '${id}', but none found`);
    return latest;
  }
  const definition = state.definitionsById.get(id)?.find((d) => d.version === version);
  if (!definition) {
    throw Rejection.notFound(
      `Expected to find process definition with process ID '${id}' and version '${version}', but none found`,
    );
  }
  return definition;
}

export function createInstance(rt: BpmnRuntime, request: CreateInstanceRequest): ElementInstance {
  const definition = resolveDefinition(rt, request);
  if (!definition.model.noneStartEventId) {
    throw Rejection.invalidState(
      'Expected to create instance of process with none start event, but there is no such event',
    );
  }
  return rt.createProcessInstance(definition, request.variables, (instance) =>
    rt.state.log.append(
      'PROCESS_INSTANCE_CREATION',
      'CREATED',
      rt.state.keys.next(),
      rt.now(),
      {
        bpmnProcessId: definition.bpmnProcessId,
        version: definition.version,
        processDefinitionKey: definition.key,
        processInstanceKey: instance.key,
        variables: request.variables,
        tenantId: TENANT,
      },
      instance.key,
    ),
  );
}

export function cancelInstance(rt: BpmnRuntime, processInstanceKey: number): void {
  const instance = rt.state.elements.get(processInstanceKey);
  if (!instance || instance.type !== 'PROCESS' || instance.state === 'TERMINATING') {
    throw Rejection.notFound(
      `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found`,
    );
  }
  if (instance.parentProcessInstanceKey !== undefined && instance.parentProcessInstanceKey > 0) {
    let root = instance;
    while (root.parentProcessInstanceKey !== undefined && root.parentProcessInstanceKey > 0) {
      const parent = rt.state.elements.get(root.parentProcessInstanceKey);
      if (!parent) break;
      root = parent;
    }
    throw Rejection.invalidState(
      `Expected to cancel a process instance with key '${processInstanceKey}', but it is created by a parent process instance. Cancel the root process instance '${root.key}' instead.`,
    );
  }
  rt.terminate(instance);
}

export function setVariables(
  rt: BpmnRuntime,
  elementInstanceKey: number,
  document: Record<string, unknown>,
  local: boolean,
): number {
  const scope = rt.state.elements.get(elementInstanceKey);
  if (!scope) {
    throw Rejection.notFound(
      `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`,
    );
  }
  const key = rt.state.keys.next();
  if (local) rt.variables.setLocal(scope, document);
  else rt.variables.merge(scope, document);
  rt.state.log.append(
    'VARIABLE_DOCUMENT',
    'UPDATED',
    key,
    rt.now(),
    { scopeKey: elementInstanceKey, updateSemantics: local ? 'LOCAL' : 'PROPAGATE', variables: document, tenantId: TENANT },
    scope.processInstanceKey,
  );
  return key;
}
