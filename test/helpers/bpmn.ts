/**
 * A small BPMN builder for engine tests: enough to write a diagram in a few lines, with the
 * Zeebe extensions the tests need. Produces plain BPMN XML that any modeller could open.
 */
export interface TaskOptions {
  type?: string;
  retries?: string;
  headers?: Record<string, string>;
  inputs?: [source: string, target: string][];
  outputs?: [source: string, target: string][];
  listeners?: { eventType: 'start' | 'end'; type: string; retries?: string }[];
}

export class ProcessBuilder {
  private readonly parts: string[] = [];
  private flowCount = 0;

  constructor(readonly id: string) {}

  raw(xml: string): this {
    this.parts.push(xml);
    return this;
  }

  start(id = 'start'): this {
    return this.raw(`<bpmn:startEvent id="${id}"/>`);
  }

  end(id = 'end', terminate = false): this {
    return this.raw(
      terminate ? `<bpmn:endEvent id="${id}"><bpmn:terminateEventDefinition/></bpmn:endEvent>` : `<bpmn:endEvent id="${id}"/>`,
    );
  }

  serviceTask(id: string, options: TaskOptions = {}): this {
    return this.raw(`<bpmn:serviceTask id="${id}">${extensions(options)}</bpmn:serviceTask>`);
  }

  task(kind: 'manualTask' | 'task' | 'sendTask' | 'userTask' | 'scriptTask' | 'businessRuleTask', id: string, options?: TaskOptions): this {
    return this.raw(`<bpmn:${kind} id="${id}">${options ? extensions(options) : ''}</bpmn:${kind}>`);
  }

  gateway(kind: 'exclusive' | 'parallel' | 'inclusive', id: string, defaultFlow?: string): this {
    return this.raw(`<bpmn:${kind}Gateway id="${id}"${defaultFlow ? ` default="${defaultFlow}"` : ''}/>`);
  }

  flow(source: string, target: string, condition?: string, id?: string): this {
    const flowId = id ?? `flow_${++this.flowCount}`;
    return this.raw(
      condition
        ? `<bpmn:sequenceFlow id="${flowId}" sourceRef="${source}" targetRef="${target}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>`
        : `<bpmn:sequenceFlow id="${flowId}" sourceRef="${source}" targetRef="${target}"/>`,
    );
  }

  /** start → a → b → … → end with flows in between. */
  chain(...ids: string[]): this {
    for (let i = 0; i < ids.length - 1; i++) this.flow(ids[i], ids[i + 1]);
    return this;
  }

  subProcess(id: string, inner: (b: ProcessBuilder) => ProcessBuilder, options: TaskOptions = {}): this {
    const nested = inner(new ProcessBuilder(id));
    return this.raw(`<bpmn:subProcess id="${id}">${extensions(options)}${nested.body()}</bpmn:subProcess>`);
  }

  body(): string {
    return this.parts.join('\n');
  }

  xml(): string {
    return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="definitions_${this.id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${this.id}" isExecutable="true">
${this.body()}
  </bpmn:process>
</bpmn:definitions>`;
  }
}

export function processBuilder(id: string): ProcessBuilder {
  return new ProcessBuilder(id);
}

/** start → one service task of `type` → end. */
export function oneTaskProcess(id: string, type: string, options: TaskOptions = {}): string {
  return processBuilder(id)
    .start()
    .serviceTask('task', { type, ...options })
    .end()
    .chain('start', 'task', 'end')
    .xml();
}

function extensions(options: TaskOptions): string {
  const parts: string[] = [];
  if (options.type !== undefined) {
    parts.push(`<zeebe:taskDefinition type="${escape(options.type)}"${options.retries ? ` retries="${escape(options.retries)}"` : ''}/>`);
  }
  if (options.headers) {
    parts.push(
      `<zeebe:taskHeaders>${Object.entries(options.headers)
        .map(([k, v]) => `<zeebe:header key="${escape(k)}" value="${escape(v)}"/>`)
        .join('')}</zeebe:taskHeaders>`,
    );
  }
  if (options.inputs || options.outputs) {
    parts.push(
      `<zeebe:ioMapping>${(options.inputs ?? []).map(([s, t]) => `<zeebe:input source="${escape(s)}" target="${t}"/>`).join('')}${(options.outputs ?? [])
        .map(([s, t]) => `<zeebe:output source="${escape(s)}" target="${t}"/>`)
        .join('')}</zeebe:ioMapping>`,
    );
  }
  if (options.listeners) {
    parts.push(
      `<zeebe:executionListeners>${options.listeners
        .map((l) => `<zeebe:executionListener eventType="${l.eventType}" type="${escape(l.type)}"${l.retries ? ` retries="${l.retries}"` : ''}/>`)
        .join('')}</zeebe:executionListeners>`,
    );
  }
  return parts.length ? `<bpmn:extensionElements>${parts.join('')}</bpmn:extensionElements>` : '';
}

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
