import type { ErrorDefinition, EscalationDefinition, ValueOrExpression } from '../model';
import { attr, child, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { expressionSource, readValue } from '../read-value';

/** Whether an event throws the error/escalation (needs a code) or catches it (code optional). */
export type CodeRole = 'throw' | 'catch';

interface CodeKind {
  reference: string;
  code: string;
  mustReference: string;
  codeRequired: string;
  codeExpression: string;
}

const ERROR: CodeKind = {
  reference: 'errorRef',
  code: 'errorCode',
  mustReference: Problems.mustReferenceError,
  codeRequired: Problems.errorCodeRequired,
  codeExpression: Problems.errorCodeExpression,
};

const ESCALATION: CodeKind = {
  reference: 'escalationRef',
  code: 'escalationCode',
  mustReference: Problems.mustReferenceEscalation,
  codeRequired: Problems.escalationCodeRequired,
  codeExpression: Problems.escalationCodeExpression,
};

/**
 * Reads an error event definition. Throwing needs an error with a code (FEEL allowed); catching
 * without a code catches every error, and a catch code must be static so it can be matched.
 */
export function readError(
  ctx: ParseContext,
  elementId: string,
  definition: ModdleElement,
  role: CodeRole,
): ErrorDefinition | undefined {
  const code = readCode(ctx, elementId, definition, role, ERROR);
  if (code === undefined) return undefined;
  return code === 'catch-all' ? {} : { errorCode: code };
}

/** Reads an escalation event definition; same rules as errors. */
export function readEscalation(
  ctx: ParseContext,
  elementId: string,
  definition: ModdleElement,
  role: CodeRole,
): EscalationDefinition | undefined {
  const code = readCode(ctx, elementId, definition, role, ESCALATION);
  if (code === undefined) return undefined;
  return code === 'catch-all' ? {} : { escalationCode: code };
}

function readCode(
  ctx: ParseContext,
  elementId: string,
  definition: ModdleElement,
  role: CodeRole,
  kind: CodeKind,
): ValueOrExpression | 'catch-all' | undefined {
  const referenced = child(definition, kind.reference);
  if (!referenced && ctx.unresolvedReference(definition, kind.reference) !== undefined) return undefined;
  const raw = referenced && attr(referenced, kind.code);
  if (role === 'catch') {
    if (!isPresent(raw)) return 'catch-all';
    if (expressionSource(raw) !== undefined) {
      ctx.report(elementId, kind.codeExpression);
      return undefined;
    }
    return { kind: 'static', value: raw };
  }
  if (!referenced) {
    ctx.report(elementId, kind.mustReference);
    return undefined;
  }
  if (!isPresent(raw)) {
    ctx.report(elementId, kind.codeRequired);
    return undefined;
  }
  return readValue(ctx, elementId, raw);
}
