/**
 * Nest's own messages (a cut-off stream client, a read model that stopped,
 * an unexpected error) as JSON lines through the same pino logger as the
 * request log. Nest's informational chatter (routes mapped at start) goes to
 * debug, below the default level.
 */
import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    // Nest passes (message, stack, context), or (message, context) when there is no stack.
    const [stack, where] = context === undefined ? [undefined, stackOrContext] : [stackOrContext, context];
    this.pino.error(
      { context: where, ...(stack ? { stack } : {}) },
      message instanceof Error ? message.message : String(message),
    );
  }

  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }
}
