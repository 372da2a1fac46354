import { Injectable } from '@nestjs/common';
import { ZeebeClientRepository } from '../engine-host/zeebe-client.repository';

/** A process definition the engine made from a deployed resource. */
export interface DeployedProcess {
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly processDefinitionKey: string;
}

/** One problem the engine found in a resource it refused. */
export interface EngineProblem {
  /** Null when the engine did not name an element. */
  readonly elementId: string | null;
  readonly message: string;
}

export type DeployOutcome =
  | { readonly status: 'deployed'; readonly processes: DeployedProcess[] }
  | { readonly status: 'rejected'; readonly problems: EngineProblem[] }
  | { readonly status: 'unavailable'; readonly reason: string };

/** gRPC status codes the outcome depends on. */
const INVALID_ARGUMENT = 3;
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;

/**
 * Deploys BPMN resources through the Zeebe client: to the embedded engine or to a real Zeebe,
 * the same way. Turns Zeebe's answers into outcomes the service can act on.
 */
@Injectable()
export class ProcessDeploymentRepository {
  constructor(private readonly zeebe: ZeebeClientRepository) {}

  /** Where the deploys go, for messages. */
  get gateway(): string {
    return this.zeebe.address;
  }

  async deploy(name: string, xml: string): Promise<DeployOutcome> {
    try {
      const response = await this.zeebe.client.deployResource({ name, process: Buffer.from(xml, 'utf8') });
      return {
        status: 'deployed',
        processes: response.deployments.map(({ process }) => ({
          bpmnProcessId: process.bpmnProcessId,
          version: process.version,
          processDefinitionKey: String(process.processDefinitionKey),
        })),
      };
    } catch (error) {
      const { code, details } = error as { code?: unknown; details?: unknown };
      const message = typeof details === 'string' && details !== '' ? details : error instanceof Error ? error.message : String(error);
      if (code === INVALID_ARGUMENT) return { status: 'rejected', problems: parseDeployProblems(message) };
      if (code === UNAVAILABLE || code === DEADLINE_EXCEEDED) return { status: 'unavailable', reason: message };
      throw error;
    }
  }
}

/**
 * Zeebe lists the problems of a refused resource as `- Element: <id>` blocks of
 * `- ERROR: <message>` lines (the embedded engine writes the same); anything else is one
 * problem without an element.
 */
export function parseDeployProblems(details: string): EngineProblem[] {
  const problems: EngineProblem[] = [];
  let elementId: string | null = null;
  for (const line of details.split('\n')) {
    const element = /^\s*(?:'[^']*':\s*)?- Element: (.+?)\s*$/.exec(line);
    if (element) {
      elementId = element[1];
      continue;
    }
    // Indented under an element block, or at the top (`'<resource>': - ERROR: …`) for the resource.
    const error = /^(\s*)(?:'[^']*':\s*)?- ERROR: (.*)$/.exec(line);
    if (error) problems.push({ elementId: error[1] === '' ? null : elementId, message: error[2].trim() });
  }
  return problems.length > 0 ? problems : [{ elementId: null, message: details }];
}
