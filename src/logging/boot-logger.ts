import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import type { AppConfig } from '../config/app-config';

type LogConfig = Pick<AppConfig, 'logLevel' | 'mode' | 'instanceName'>;

/** What every log line of the process carries, before and after nestjs-pino takes over. */
export function pinoBaseOptions(config: LogConfig) {
  return { level: config.logLevel, base: { mode: config.mode, instance: config.instanceName } };
}

/**
 * The logger of everything said before the app's own logger (nestjs-pino) exists: the embedded
 * database's start, Nest's bootstrap, a failed boot. The same pino lines at LOG_LEVEL, with the
 * same `mode`, `instance` and `context`, so a log holds one shape from its first line, and never
 * colour codes or lines a collector cannot parse.
 */
export function bootLogger(config: LogConfig): LoggerService {
  const logger = pino(pinoBaseOptions(config));
  /** Nest passes the context last: (message, context) or, for errors, (message, stack, context). */
  const write =
    (level: pino.Level) =>
    (message: unknown, ...rest: unknown[]): void => {
      const context = rest.length > 0 ? rest.at(-1) : undefined;
      // A failed boot is thrown to whoever booted (main.ts logs it once, in one line): not twice.
      if (context === 'ExceptionHandler') return;
      const stack = rest.length > 1 ? rest[0] : undefined;
      logger[level]({ context, ...(typeof stack === 'string' ? { stack } : {}) }, String(message));
    };
  return {
    fatal: write('fatal'),
    error: write('error'),
    warn: write('warn'),
    log: write('info'),
    debug: write('debug'),
    verbose: write('trace'),
  };
}

/**
 * Invalid settings, said before any setting can be trusted (LOG_LEVEL among them): one fatal
 * JSON line in the boot logger's shape, naming every variable that is wrong.
 */
export function logInvalidConfiguration(problems: string[]): void {
  pino({ base: { context: 'Config' } }).fatal(
    { problems },
    `Invalid configuration: ${problems.join('; ')}`,
  );
}
