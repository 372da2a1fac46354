import type { DeployResult } from '../../engine';
import { unary } from './handler';

interface ResourceMessage {
  name: string;
  content: Buffer;
}

function toResources(resources: ResourceMessage[] | undefined) {
  return (resources ?? []).map((r) => ({ name: r.name, content: Buffer.from(r.content ?? '').toString('utf8') }));
}

function processMetadata(result: DeployResult) {
  return result.processes.map((p) => ({
    bpmnProcessId: p.bpmnProcessId,
    version: p.version,
    processDefinitionKey: String(p.processDefinitionKey),
    resourceName: p.resourceName,
    tenantId: '<default>',
  }));
}

export const deployResource = unary<{ resources: ResourceMessage[] }, unknown>('CREATE', async (ctx, request) => {
  const result = await ctx.engine.deploy(toResources(request.resources));
  return {
    key: String(result.key),
    deployments: processMetadata(result).map((process) => ({ process })),
    tenantId: '<default>',
  };
});

/** The deprecated DeployProcess RPC, still sent by older clients. */
export const deployProcess = unary<{ processes: { name: string; definition: Buffer }[] }, unknown>(
  'CREATE',
  async (ctx, request) => {
    const resources = (request.processes ?? []).map((p) => ({ name: p.name, content: p.definition }));
    const result = await ctx.engine.deploy(toResources(resources));
    return { key: String(result.key), processes: processMetadata(result) };
  },
);
