/** One environment variable that failed validation, with every reason. */
export interface ConfigProblem {
  readonly variable: string;
  readonly messages: readonly string[];
}

/** The environment is invalid; the message lists every bad variable, one per line. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      [
        `Invalid environment (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):`,
        ...problems.flatMap(({ messages }) => messages.map((message) => `  - ${message}`)),
      ].join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}
