import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';

/** Nest's levels at or above each of LOG_LEVEL's (pino's names). */
const NEST_LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  silent: [],
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * The logger of everything said before the app's own (pino) logger exists: the embedded
 * database's start, Nest's bootstrap, a failed boot. JSON lines at LOG_LEVEL, like pino's, so
 * a log file never holds colour codes or lines a collector cannot parse.
 */
export function bootLogger(logLevel: AppConfig['logLevel']): ConsoleLogger {
  return new BootLogger({ json: true, colors: false, logLevels: NEST_LEVELS[logLevel] });
}

class BootLogger extends ConsoleLogger {
  /** A failed boot is thrown to whoever booted (main.ts logs it once, in one line): not twice. */
  override error(message: unknown, ...rest: unknown[]): void {
    if (rest.at(-1) === 'ExceptionHandler') return;
    super.error(message, ...rest);
  }
}
