import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, ValidationError, validateSync } from 'class-validator';
import { AppConfig, DURATION_SETTINGS, ENV_NAME_OF } from './app-config';
import { formatDurationMs } from './duration';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

type Rules = Map<string, unknown[]>;

/** The validation rules of each setting, by property: rule name to its constraints. */
function rulesOf(property: string): Rules {
  const rules: Rules = new Map();
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(
    AppConfig,
    '',
    true,
    false,
  )) {
    if (rule.propertyName === property && rule.name) rules.set(rule.name, rule.constraints ?? []);
  }
  return rules;
}

function range(rules: Rules, show: (value: number) => string): string {
  const min = rules.get('min')?.[0] as number | undefined;
  const max = rules.get('max')?.[0] as number | undefined;
  if (min !== undefined && max !== undefined) return ` from ${show(min)} to ${show(max)}`;
  if (min !== undefined) return ` of at least ${show(min)}`;
  if (max !== undefined) return ` of at most ${show(max)}`;
  return '';
}

/**
 * What a setting accepts, in the words of the environment (durations as durations, never the
 * milliseconds they are stored in), from the rules it is validated with.
 */
function accepted(property: string, error: ValidationError): string {
  const rules = rulesOf(property);
  if (DURATION_SETTINGS.has(property)) {
    const bounds = range(rules, formatDurationMs);
    return `must be a duration${bounds}, written like 250ms, 30s, 15m, 24h or 7d`;
  }
  if (rules.has('isInt')) return `must be an integer${range(rules, String)}`;
  if (rules.has('isNumber')) return `must be a number${range(rules, String)}`;
  if (rules.has('isBoolean')) return 'must be true or false (also 1/0, yes/no, on/off)';
  const choices = (rules.get('isIn')?.[0] ??
    Object.values(rules.get('isEnum')?.[0] ?? {})) as string[];
  if (choices.length > 0) return `must be one of ${choices.join(', ')}`;
  if (rules.has('isUrl'))
    return 'must be an http:// or https:// URL, such as http://127.0.0.1:8081';
  // A rule with a message of its own (a pattern) says it best; class-validator's default
  // messages would name the property instead of the variable.
  const messages = Object.values(error.constraints ?? {});
  return messages.find((message) => !message.includes(property)) ?? 'must not be empty';
}

/** One line per variable: its name, what it accepts, and what it was given. */
function describe(error: ValidationError, env: NodeJS.ProcessEnv): string {
  const variable = ENV_NAME_OF.get(error.property) ?? error.property;
  const raw = env[variable];
  const given = raw === undefined || raw === '' ? 'it is not set' : `got ${JSON.stringify(raw)}`;
  return `${variable} ${accepted(error.property, error)} (${given})`;
}

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const config = plainToInstance(AppConfig, present, {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(errors.map((error) => describe(error, env)));
  return config;
}
