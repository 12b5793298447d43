export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The logging interface the framework writes to; pino, winston and console all fit it. */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function isLevel(value: string | undefined): value is LogLevel {
  return value !== undefined && value in ORDER;
}

/**
 * A logger writing one line per event to stderr. The level comes from
 * MANOUCHE_LOG_LEVEL (debug, info, warn, error, silent), default info.
 */
export function consoleLogger(level: LogLevel = defaultLevel()): Logger {
  const threshold = ORDER[level];
  const write = (at: LogLevel) => (message: string, meta?: Record<string, unknown>): void => {
    if (ORDER[at] < threshold) return;
    const line = `[${new Date().toISOString()}] ${at.toUpperCase()} ${message}`;
    const stack = meta?.error instanceof Error ? `\n${meta.error.stack}` : '';
    const rest = meta ? Object.fromEntries(Object.entries(meta).filter(([k]) => k !== 'error')) : {};
    process.stderr.write(`${line}${Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : ''}${stack}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function defaultLevel(): LogLevel {
  const fromEnv = process.env.MANOUCHE_LOG_LEVEL?.toLowerCase();
  if (isLevel(fromEnv)) return fromEnv;
  return process.env.NODE_ENV === 'test' ? 'error' : 'info';
}
