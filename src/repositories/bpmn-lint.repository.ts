import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { ModdleElement } from './bpmn-moddle.repository';

export type LintCategory = 'error' | 'warn';

/** One finding of the linter, about one element. */
export interface LintFinding {
  /** The element it is about; for a problem of the whole document, the definitions' or process's id. */
  readonly elementId: string;
  /** `bpmnlint/<rule>`, `camunda-compat/<rule>`. */
  readonly rule: string;
  readonly category: LintCategory;
  readonly message: string;
}

/** The Camunda 8 release the diagrams are checked against: the newest released one the plugin knows. */
export const CAMUNDA_COMPAT_CONFIG = 'camunda-cloud-8-8';

/**
 * bpmnlint's recommended rules, tuned for Zeebe journeys: what Zeebe executes correctly is not
 * an error. Rules left out of this list keep their recommended category.
 */
const RECOMMENDED_OVERRIDES: Record<string, 'off' | LintCategory> = {
  // Zeebe runs inclusive gateways (8.6+); camunda-compat says which gateways are supported.
  'no-inclusive-gateway': 'off',
  // A gateway that joins and forks, a task with several outgoing flows: Zeebe executes both.
  'no-gateway-join-fork': 'warn',
  'no-implicit-split': 'warn',
  // Names matter to the people reading KPIs, but an unnamed element still runs.
  'label-required': 'warn',
  // Diagrams made in the modeller have layout; a diagram posted without it still deploys.
  'no-bpmndi': 'warn',
};

/** What the linter runs: bpmnlint's recommended rules and camunda-compat's Camunda 8.8 rules. */
export const LINT_CONFIG = {
  extends: ['bpmnlint:recommended', `plugin:camunda-compat/${CAMUNDA_COMPAT_CONFIG}`],
  rules: RECOMMENDED_OVERRIDES,
};

/** A short description of {@link LINT_CONFIG}, stored with each validation. */
export const LINT_RULESET = `bpmnlint:recommended + camunda-compat/${CAMUNDA_COMPAT_CONFIG}`;

type RuleFactory = (config: unknown) => unknown;
type LintConfig = { extends?: string | string[]; rules?: Record<string, unknown> };
interface Report {
  id?: string;
  message: string;
  category: string;
}
interface BpmnLinter {
  lint(root: ModdleElement): Promise<Record<string, Report[]>>;
}

const COMPAT_PACKAGE = 'bpmnlint-plugin-camunda-compat';

/**
 * bpmnlint through its API (not the CLI), on a tree read with the Zeebe moddle extension.
 * Rules and configurations are resolved from this service's own node_modules, not from the
 * working directory as bpmnlint's NodeResolver would.
 */
@Injectable()
export class BpmnLintRepository {
  private readonly resolver = packageResolver();

  async lint(definitions: ModdleElement): Promise<LintFinding[]> {
    const results = await this.newLinter().lint(definitions);
    const fallbackId = definitions.id ?? '';
    return Object.entries(results).flatMap(([rule, reports]) =>
      reports.map((report) => ({
        elementId: report.id ?? fallbackId,
        rule: rule.includes('/') ? rule : `bpmnlint/${rule}`,
        // 'rule-error' is a rule that crashed: worth showing, not worth blocking a deploy.
        category: report.category === 'error' ? 'error' : 'warn',
        message: report.category === 'rule-error' ? `The rule failed to run: ${report.message}` : report.message,
      })),
    );
  }

  /**
   * One linter per run: a Linter caches the rule instances it made, and some rules keep state
   * in them (no-duplicate-sequence-flows remembers the flows it saw), which would leak from one
   * diagram into the next. Rule modules themselves stay cached by `require`.
   */
  private newLinter(): BpmnLinter {
    const { Linter } = require('bpmnlint') as { Linter: new (options: { config: LintConfig; resolver: unknown }) => BpmnLinter };
    return new Linter({ config: LINT_CONFIG, resolver: this.resolver });
  }
}

/** Resolves `bpmnlint` and `bpmnlint-plugin-camunda-compat` rules and configs by `require`. */
function packageResolver() {
  const compat = require(COMPAT_PACKAGE) as { rules: Record<string, string>; configs: Record<string, LintConfig> };
  const compatDir = dirname(require.resolve(COMPAT_PACKAGE));
  return {
    resolveRule(pkg: string, ruleName: string): RuleFactory {
      if (pkg === 'bpmnlint') return require(`bpmnlint/rules/${ruleName}`) as RuleFactory;
      const path = pkg === COMPAT_PACKAGE ? compat.rules[ruleName] : undefined;
      if (!path?.startsWith('.')) throw new Error(`Expected a rule of bpmnlint or ${COMPAT_PACKAGE}, but found ${pkg}/${ruleName}`);
      return require(join(compatDir, path)) as RuleFactory;
    },
    resolveConfig(pkg: string, configName: string): LintConfig {
      if (pkg === 'bpmnlint') return require(`bpmnlint/config/${configName}`) as LintConfig;
      const config = pkg === COMPAT_PACKAGE ? compat.configs[configName] : undefined;
      if (!config) throw new Error(`Expected a config of bpmnlint or ${COMPAT_PACKAGE}, but found ${pkg}/${configName}`);
      return config;
    },
  };
}
