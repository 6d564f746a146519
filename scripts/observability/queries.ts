/**
 * The PromQL of the Grafana dashboards and the Prometheus alert rules, read from the files that
 * ship, so that tests and the live check (check-observability) look at exactly what operators
 * get: which metric each expression reads, and each expression ready to send to Prometheus.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '../repository-root';

const DASHBOARDS = join(REPO, 'grafana', 'dashboards');
const ALERTS = join(REPO, 'prometheus', 'alerts.yml');

/** One expression and where it comes from, for messages that point at the panel or rule. */
export interface Query {
  source: string;
  expr: string;
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

interface Dashboard {
  title: string;
  panels?: Panel[];
  templating?: { list?: { name: string; query?: string | { query?: string } }[] };
}

export function dashboardFiles(): string[] {
  return readdirSync(DASHBOARDS)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(DASHBOARDS, name));
}

function readDashboard(file: string): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

/** Every panel's expressions (rows' nested panels included) and every template variable's query. */
export function dashboardQueries(): Query[] {
  return dashboardFiles().flatMap((file) => {
    const dashboard = readDashboard(file);
    const panels = (list: Panel[] = []): Panel[] =>
      list.flatMap((panel) => [panel, ...panels(panel.panels)]);
    const targets = panels(dashboard.panels).flatMap((panel) =>
      (panel.targets ?? [])
        .filter((target) => target.expr)
        .map((target) => ({ source: `${dashboard.title} › ${panel.title}`, expr: target.expr! })),
    );
    const variables = (dashboard.templating?.list ?? []).flatMap((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
      return query ? [{ source: `${dashboard.title} › $${variable.name}`, expr: query }] : [];
    });
    return [...targets, ...variables];
  });
}

/** The template variables of the dashboards, by name, with their label_values queries. */
export function templateVariables(): { name: string; metric: string; label: string }[] {
  return dashboardQueries().flatMap(({ source, expr }) => {
    const variable = /› \$(\w+)$/.exec(source);
    const values = /^label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*(\w+)\s*\)$/.exec(expr.trim());
    return variable && values ? [{ name: variable[1], metric: values[1], label: values[2] }] : [];
  });
}

interface AlertRules {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}

export function alertQueries(): Query[] {
  const rules = parse(readFileSync(ALERTS, 'utf8')) as AlertRules;
  return rules.groups.flatMap((group) =>
    group.rules.map((rule) => ({
      source: `alert ${rule.alert ?? rule.record}`,
      expr: String(rule.expr),
    })),
  );
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
  // Aggregations may come before their clause (`sum by (le) (…)`), so not followed by `(`.
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
]);

/** A selector of an expression: its metric and the labels it matches on. */
export interface Selector {
  metric: string;
  labels: string[];
}

/**
 * The metric selectors of an expression. A small reading of PromQL, enough for the expressions
 * we write: strings, ranges, grouping clauses and Grafana variables are set aside; a name not
 * followed by `(` and not a keyword is a metric, and a `{…}` right after it holds its matchers.
 */
export function selectorsOf(expr: string): Selector[] {
  const cleaned = expr
    // Grafana's label_values(metric, label): the label is no metric.
    .replace(/label_values\(\s*([^,]+),\s*\w+\s*\)/g, '$1')
    .replace(/\$\{?\w+\}?/g, 'VAR')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1');
  const selectors: Selector[] = [];
  // A name never starts right after a digit or a dot: `5m` in `offset 5m`, `1e3`.
  const token =
    /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\{[^}]*\})?(\s*\()?/g;
  for (let match = token.exec(cleaned); match; match = token.exec(cleaned)) {
    const [, name, matchers, call] = match;
    if (!name || call || KEYWORDS.has(name.toLowerCase()) || name === 'VAR') continue;
    const labels = [...(matchers ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]);
    selectors.push({ metric: name, labels });
  }
  return selectors;
}

/** Grafana's own variables and the dashboards' template variables, given values to query with. */
export function withVariables(expr: string, values: Record<string, string>): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}/g, '1m')
    .replace(/\$\{?(\w+)\}?/g, (whole, name: string) => values[name] ?? whole);
}
