/**
 * Every message the parser reports, in one place. Where Zeebe rejects the same mistake, the text
 * is Zeebe's own (its deploy rejections are what users search for); where this engine is
 * stricter than Zeebe, the text says so ("not supported yet by this engine").
 */
export const Problems = {
  // Document
  malformedXml: (detail: string) => `Expected a well-formed BPMN 2.0 XML document, but it could not be read: ${detail}`,
  unknownBpmnElement: (element: string, at: string) =>
    `Expected a BPMN 2.0 element allowed in this position, but found <${element}>${at}`,
  duplicateId: (id: string) => `Expected element ids to be unique, but '${id}' is used by more than one element`,
  unresolvedReference: (property: string, id: string) =>
    `Attribute '${property}' references '${id}', which cannot be resolved`,
  noExecutableProcess: 'Must contain at least one executable process',
  missingId: (type: string) => `Attribute 'id' must be present and not empty on every element, but a '${type}' has none`,
  invalidId: (id: string) =>
    `Expected id '${id}' to be a valid XML name (a letter or '_' followed by letters, digits, '.', '-' or '_')`,
  // Element kinds
  unsupportedElement: (type: string) =>
    `Elements of type '${type}' are currently not supported. Please refer to the documentation for a list of supported elements: https://docs.camunda.io/docs/components/modeler/bpmn/bpmn-coverage/`,
  notSupportedYet: (what: string) => `${what} are not supported yet by this engine`,
  unsupportedEventDefinition: 'Event definition of this type is not supported',
  unsupportedLoop: 'Only multi-instance loop characteristics are supported',

  // Containers and start events
  noStartEvent: 'Must have at least one start event',
  multipleNoneStartEvents: 'Multiple none start events are not allowed',
  subprocessStartCount: 'Must have exactly one start event',
  subprocessStartNotNone: 'Start events in subprocesses must be of type none',
  eventSubprocessStartType:
    'Start events in event subprocesses must be one of: message, timer, error, signal or escalation',
  processStartType: 'Start events of a process must be one of: none, message, timer or signal',
  startEventMultipleTypes: "Start event can't have more than one type",
  messageStartReferredTwice: 'A message cannot be referred by more than one start event',

  // Sequence flows and gateways
  flowMissingSource: 'SequenceFlow is missing required attribute sourceRef',
  flowMissingTarget: 'SequenceFlow is missing required attribute targetRef',
  flowUnresolvedSource: (id: string) => `SequenceFlow has sourceRef '${id}' which cannot be resolved`,
  flowUnresolvedTarget: (id: string) => `SequenceFlow has targetRef '${id}' which cannot be resolved`,
  flowCrossesScope: (source: string, target: string) =>
    `Expected a sequence flow to connect elements of the same scope, but '${source}' and '${target}' are in different scopes`,
  conditionOrDefault: 'Must have a condition or be default flow',
  conditionRequired: 'Must have a condition',
  conditionOnlyAtGateways: 'Conditional sequence flows are only supported at exclusive or inclusive gateway',
  defaultFlowNotOutgoing: 'Default flow must start at gateway',
  eventGatewayTooFewFlows: 'Event-based gateway must have at least 2 outgoing sequence flows.',
  eventGatewayTargets:
    'Event-based gateway must not have an outgoing sequence flow to other elements than message/timer/signal/conditional intermediate catch events.',
  eventGatewayTargetIncoming:
    'Target elements of an event gateway must not have any additional incoming sequence flows other than that from the event gateway.',

  // Events
  exactlyOneEventDefinition: 'Must have exactly one event definition',
  atMostOneEventDefinition: 'Must have at most one event definition',
  boundaryNotAttached: 'Must be attached to an activity',
  boundaryIncoming: 'Cannot have incoming sequence flows',
  boundaryType: 'Boundary events must be one of: timer, message, error, signal, escalation',
  escalationBoundaryHost: 'An escalation boundary event should only be attached to a subprocess, or a call activity.',
  catchType: 'Event definition must be one of: message, timer, signal, link, or conditional',
  throwType: 'Intermediate throw events must be one of: none, message, signal, escalation or link',
  endType: 'End events must be one of: none, error, message, terminate, signal, escalation or compensation',
  endOutgoing: 'End events must not have outgoing sequence flows to other elements.',
  nonInterruptingType: 'Non-Interrupting event of this type is not allowed',
  interruptingCycle: 'Interrupting timer event with time cycle is not allowed.',
  intermediateTimerCycle: 'Intermediate timer catch event must have either a time duration or a time date.',
  timerKind: 'Must be exactly one type of timer: timeDuration, timeDate or timeCycle',
  mustReferenceMessage: 'Must reference a message',
  mustReferenceError: 'Must reference an error',
  mustReferenceEscalation: 'Must reference an escalation',
  mustReferenceSignal: 'Must reference a signal',
  nameRequired: 'Name must be present and not empty',
  subscriptionRequired: 'Must have exactly one zeebe:subscription extension element',
  errorCodeRequired: 'ErrorCode must be present and not empty',
  escalationCodeRequired: 'EscalationCode must be present and not empty',
  errorCodeExpression: 'The errorCode of the error catch event is not allowed to be an expression',
  escalationCodeExpression: 'The escalationCode of the escalation catch event is not allowed to be an expression',
  linkNameRequired: 'Link name must be present and not empty.',
  linkWithoutCatch: (name: string) => `Can't find an catch link event for the throw link event with the name '${name}'.`,
  duplicateLinkCatch: (name: string) =>
    `Multiple intermediate catch link event definitions with the same name '${name}' are not allowed.`,
  duplicateMessage: (name: string) => `Multiple message event definitions with the same name '${name}' are not allowed.`,
  duplicateSignal: (name: string) => `Multiple signal event definitions with the same name '${name}' are not allowed.`,
  receiveTaskBoundaryMessage: 'Cannot reference the same message name as a boundary event',
  duplicateCatchAllError:
    'The same scope can not contain more than one error catch event without error code. An error catch event without error code catches all errors.',
  duplicateErrorCode: (code: string) =>
    `Multiple error catch events with the same error code '${code}' are not supported on the same scope.`,
  duplicateCatchAllEscalation:
    'The same scope can not contain more than one escalation catch event without escalation code. An escalation catch event without escalation code catches all escalations.',
  duplicateEscalationCode: (code: string) =>
    `Multiple escalation catch events with the same escalation code '${code}' are not supported on the same scope.`,

  // Extension elements
  exactlyOneExtension: (name: string) => `Must have exactly one 'zeebe:${name}' extension element`,
  eitherExtension: (first: string, second: string) =>
    `Must have either one 'zeebe:${first}' or one 'zeebe:${second}' extension element`,
  attributeRequired: (name: string) => `Attribute '${name}' must be present and not empty`,
  outputPair: (present: string, missing: string) =>
    `Attribute '${missing}' must be present if the attribute '${present}' is set`,
  reservedHeader: (key: string) =>
    `Attribute 'key' contains '${key}', but header keys starting with 'io.camunda.zeebe:' are reserved for internal use.`,
  duplicateHeader: (key: string) => `Headers contain duplicate entries for key '${key}'`,
  listenerEventType: (value: string) => `Expected execution listener eventType to be 'start' or 'end', but found '${value}'`,
  duplicateListeners: (count: number, eventType: string, type: string) =>
    `Found '${count}' duplicates based on eventType[${eventType}] and type[${type}], these combinations should be unique.`,
  listenerNotSupported: (eventType: 'start' | 'end', where: string) =>
    `Execution listeners of type '${eventType}' are not supported by ${where}`,
  implementationNotSupported: (element: string, extension: string) =>
    `${element} with a 'zeebe:${extension}' extension element are not supported yet by this engine; use a 'zeebe:taskDefinition' (job worker) instead`,
  userTaskExpressionNotSupported: (attribute: string) =>
    `Expected a static value for '${attribute}' of a job worker user task, but found an expression; expressions there are not supported yet by this engine`,

  // Expressions
  expressionMissing: 'Expected expression but not found.',
  staticValueNotAllowed: (value: string) =>
    `Expected expression but found static value '${value}'. An expression must start with '=' (e.g. '=${value}').`,
  pathMissing: 'Expected path expression but not found.',
  invalidPath: (path: string) =>
    `Expected path expression '${path}' but doesn't match the pattern '[a-zA-Z_][a-zA-Z0-9_]*(\\.[a-zA-Z_][a-zA-Z0-9_]*)*'.`,
} as const;
