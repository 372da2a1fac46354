import { createHash } from 'node:crypto';
import type { BpmnRuntime } from '../bpmn-runtime';
import { Rejection } from '../errors';
import type { ExpressionLanguage } from '../expressions';
import type { ProcessModel, ValidationProblem } from '../model/model';
import { parseBpmn } from '../model/parse-bpmn';
import type { ProcessorRegistry } from '../processors/element-processor';
import { TENANT } from '../records/record';
import type { ProcessDefinition } from '../state/entities';
import type { DeployResult, ResourceInput } from './api';

/** A resource parsed and validated outside the writer (parsing is async and pure). */
export interface PreparedResource {
  name: string;
  content: string;
  checksum: string;
  processes: ProcessModel[];
}

const SUPPORTED_EVENTS: Record<string, readonly string[]> = {
  START_EVENT: ['NONE', 'MESSAGE', 'TIMER', 'SIGNAL', 'ERROR', 'ESCALATION'],
  END_EVENT: ['NONE', 'TERMINATE', 'ERROR', 'ESCALATION', 'SIGNAL', 'MESSAGE'],
  INTERMEDIATE_THROW_EVENT: ['NONE', 'ESCALATION', 'SIGNAL', 'LINK', 'MESSAGE'],
  INTERMEDIATE_CATCH_EVENT: ['MESSAGE', 'TIMER', 'SIGNAL', 'LINK'],
  BOUNDARY_EVENT: ['MESSAGE', 'TIMER', 'SIGNAL', 'ERROR', 'ESCALATION'],
};

/**
 * Parses every resource and collects every problem of every resource; rejects with all of
 * them at once, as Zeebe does.
 */
export async function prepareDeployment(
  resources: ResourceInput[],
  expressions: ExpressionLanguage,
  processors: ProcessorRegistry,
): Promise<PreparedResource[]> {
  if (resources.length === 0) {
    throw Rejection.invalidArgument('Expected to deploy at least one resource, but none given');
  }
  const prepared: PreparedResource[] = [];
  const report: string[] = [];
  for (const resource of resources) {
    if (!/\.(bpmn|xml)$/i.test(resource.name)) {
      report.push(
        `'${resource.name}': Expected the resource name to end with '.bpmn' or '.xml' (DMN and forms are not supported by this engine)`,
      );
      continue;
    }
    const { processes, problems } = await parseBpmn(resource.content, { checkExpression: (s) => expressions.check(s) });
    for (const process of processes) problems.push(...unsupported(process, processors));
    if (problems.length > 0) {
      report.push(`'${resource.name}': ${problems.map(formatProblem).join('')}`);
      continue;
    }
    prepared.push({
      name: resource.name,
      content: resource.content,
      checksum: createHash('sha256').update(resource.content).digest('hex'),
      processes,
    });
  }
  const ids = new Map<string, string>();
  for (const resource of prepared) {
    for (const process of resource.processes) {
      const other = ids.get(process.bpmnProcessId);
      if (other) {
        report.push(
          `Expected the process ids to be unique within a deployment, but found a duplicated process id '${process.bpmnProcessId}' in the resources '${other}' and '${resource.name}'.`,
        );
      }
      ids.set(process.bpmnProcessId, resource.name);
    }
  }
  if (report.length > 0) {
    throw Rejection.invalidArgument(`Expected to deploy new resources, but encountered the following errors:\n${report.join('\n')}`);
  }
  return prepared;
}

/** Writes the definitions: an unchanged resource keeps its version, a changed one gets the next. */
export function applyDeployment(rt: BpmnRuntime, resources: PreparedResource[]): DeployResult {
  const { state } = rt;
  const now = rt.now();
  const deploymentKey = state.keys.next();
  const result: DeployResult = { key: deploymentKey, processes: [] };
  const metadata: Record<string, unknown>[] = [];
  for (const resource of resources) {
    for (const model of resource.processes) {
      const latest = state.latestDefinition(model.bpmnProcessId);
      if (latest && latest.checksum === resource.checksum && latest.resourceName === resource.name) {
        result.processes.push(describe(latest));
        metadata.push({ ...describe(latest), checksum: resource.checksum, duplicate: true, tenantId: TENANT });
        continue;
      }
      const definition: ProcessDefinition = {
        key: state.keys.next(),
        bpmnProcessId: model.bpmnProcessId,
        version: (latest?.version ?? 0) + 1,
        resourceName: resource.name,
        resource: resource.content,
        checksum: resource.checksum,
        deploymentKey,
        deployedAt: now,
        model,
      };
      state.addDefinition(definition, true);
      rt.subscriptions.openStartSubscriptions(definition);
      state.log.append('PROCESS', 'CREATED', definition.key, now, {
        ...describe(definition),
        checksum: definition.checksum,
        deploymentKey,
        tenantId: TENANT,
      });
      result.processes.push(describe(definition));
      metadata.push({ ...describe(definition), checksum: resource.checksum, duplicate: false, tenantId: TENANT });
    }
  }
  state.log.append('DEPLOYMENT', 'CREATED', deploymentKey, now, {
    resources: resources.map((r) => ({ resourceName: r.name, checksum: r.checksum })),
    processesMetadata: metadata,
    tenantId: TENANT,
  });
  return result;
}

function describe(d: ProcessDefinition) {
  return { bpmnProcessId: d.bpmnProcessId, version: d.version, processDefinitionKey: d.key, resourceName: d.resourceName };
}

function unsupported(process: ProcessModel, processors: ProcessorRegistry): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const element of process.elements.values()) {
    const events = SUPPORTED_EVENTS[element.type];
    if (!processors.supports(element.type) || (events && !events.includes(element.eventType))) {
      const kind = element.eventType !== 'NONE' && element.eventType !== 'UNSPECIFIED' ? `${element.eventType} ` : '';
      problems.push({ elementId: element.id, message: `Elements of type ${kind}${element.type} are not supported yet by the embedded engine` });
    }
  }
  return problems;
}

/** Zeebe's validation layout: one block per element, each line ending in a newline. */
function formatProblem(problem: ValidationProblem): string {
  return problem.elementId
    ? `- Element: ${problem.elementId}\n    - ERROR: ${problem.message}\n`
    : `- ERROR: ${problem.message}\n`;
}
