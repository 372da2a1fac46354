import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElementModel, ProcessModel } from '../model';
import { parseBpmn, type ParseBpmnResult } from '../parse-bpmn';

/** Test stand-in for the FEEL parser: rejects anything containing `(((`. */
export function checkExpression(source: string): string | null {
  return source.includes('(((') ? `failed to parse expression '${source}'` : null;
}

/** The XML of `__fixtures__/<name>`. */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, name), 'utf8');
}

/** Parses a fixture with the stub FEEL check. */
export function parseFixture(name: string): Promise<ParseBpmnResult> {
  return parseBpmn(fixture(name), { checkExpression });
}

/** The element with that id, failing the test when it is missing. */
export function element(process: ProcessModel, id: string): ElementModel {
  const found = process.elements.get(id);
  if (!found) throw new Error(`Expected element '${id}' in process '${process.bpmnProcessId}', but found none`);
  return found;
}
