import pino, { type Logger } from 'pino';
import type { AppConfig } from '../config';

/**
 * The process's one pino logger: created before Nest (boot and embedded PostgreSQL logs need it)
 * and then handed to nestjs-pino, so every line is JSON on stdout with the same shape.
 */
export function createLogger(config: Pick<AppConfig, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'travesia', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Credentials never reach the logs, whichever request logged them.
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  });
}
