/**
 * Positions are consistency tokens across instances. Each instance keeps its
 * own read model, folding the shared log a little behind the others; a
 * position a command answered through another instance must never be taken
 * for one beyond the ledger's head, nor answered without.
 *
 * - `asOfPosition` beyond this instance's read model but not beyond the
 *   store's head: wait (bounded) until the model has it, then answer.
 * - `minPosition` (or the `X-Min-Position` header): answer at the head, but
 *   not before the model has reached that position.
 *
 * A guard on the routes marked @ConsistentRead, so the wait happens before a
 * handler (or a report) starts; a wait that runs out, or a minPosition
 * beyond the store's head, is a 503 with Retry-After, never a stale answer.
 */
import { applyDecorators, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiQuery } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventStore } from '../event-store/event-store.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import { positionParam } from './positions.js';
import type { ReadModelService } from './read-model.service.js';

const CONSISTENT_READ = 'regledger:consistent-read';
export const MIN_POSITION_HEADER = 'x-min-position';
const RETRY_AFTER_SECONDS = '1';

/** Marks a read route: it takes `minPosition` and waits for positions other instances wrote. */
export function ConsistentRead(): MethodDecorator {
  return applyDecorators(
    SetMetadata(CONSISTENT_READ, true),
    ApiQuery({
      name: 'minPosition',
      required: false,
      description:
        'Answer at the head, but not before this instance has read the ledger up to this position (a position a command answered, through any instance); 503 with Retry-After if it does not within a few seconds',
    }),
    ApiHeader({
      name: 'X-Min-Position',
      required: false,
      description: 'The same as minPosition, for clients that set it on every request',
    }),
  );
}

/** The position a request needs this instance's read model to have reached before it is answered, if any. */
export function positionsWanted(
  query: Record<string, unknown>,
  header: string | undefined,
): { minPosition?: bigint; asOfPosition?: bigint } {
  const problems: ErrorDetail[] = [];
  const fromQuery = positionParam('minPosition', stringOf(query.minPosition), problems);
  const fromHeader = positionParam('X-Min-Position', header, problems);
  if (header === '')
    problems.push({
      field: 'X-Min-Position',
      rule: 'isNotEmpty',
      message: 'X-Min-Position is empty: give a ledger position, or leave the header out',
      value: header,
    });
  // asOfPosition is validated where it is used; here only a valid one matters.
  const asOfPosition = positionParam('asOfPosition', stringOf(query.asOfPosition), []);
  if (problems.length) throw new LedgerError('bad-input', problems.map((p) => p.message).join('; '), problems);
  const minPosition =
    fromQuery !== undefined && fromHeader !== undefined
      ? fromQuery > fromHeader
        ? fromQuery
        : fromHeader
      : (fromQuery ?? fromHeader);
  return {
    ...(minPosition !== undefined ? { minPosition } : {}),
    ...(asOfPosition !== undefined ? { asOfPosition } : {}),
  };
}

const stringOf = (value: unknown) => (typeof value === 'string' ? value : undefined);

export class ConsistentReadGuard implements CanActivate {
  private readonly reflector = new Reflector();

  constructor(
    private readonly store: EventStore,
    private readonly readModel: ReadModelService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || !this.reflector.get<boolean>(CONSISTENT_READ, context.getHandler()))
      return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const { minPosition, asOfPosition } = positionsWanted(
      request.query as Record<string, unknown>,
      stringOf(request.headers[MIN_POSITION_HEADER]),
    );
    const behind = (position: bigint | undefined) => position !== undefined && position > this.readModel.position;
    if (!behind(minPosition) && !behind(asOfPosition)) return true;
    const response = context.switchToHttp().getResponse<FastifyReply>();
    // Only the store knows whether a position exists yet.
    const head = await this.store.headPosition();
    if (minPosition !== undefined && minPosition > head) {
      response.header('Retry-After', RETRY_AFTER_SECONDS);
      throw new LedgerError(
        'unavailable',
        `minPosition ${minPosition} is beyond the ledger's head, position ${head}: nothing there to wait for yet`,
        [
          {
            field: 'minPosition',
            rule: 'withinHead',
            message: `the ledger's head is position ${head}`,
            value: minPosition.toString(),
          },
        ],
      );
    }
    // An asOfPosition beyond the store's head is answered for the head, with the notice that says so.
    const asOfReachable = asOfPosition === undefined ? 0n : asOfPosition < head ? asOfPosition : head;
    const wanted = minPosition !== undefined && minPosition > asOfReachable ? minPosition : asOfReachable;
    try {
      await this.readModel.reach(wanted);
    } catch (error) {
      if (error instanceof LedgerError && error.kind === 'unavailable')
        response.header('Retry-After', RETRY_AFTER_SECONDS);
      throw error;
    }
    return true;
  }
}
