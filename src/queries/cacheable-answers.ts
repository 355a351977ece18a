/**
 * Validators and caching for query answers. An answer for an explicit
 * `asOfPosition` the read model has already folded (so at or below the
 * store's head) can never change: a strong ETag and `immutable`. Other
 * answers are tagged with the read model's position and the parameters
 * (weak: the `asOf` it echoes may differ by the clock). `If-None-Match`
 * with the tag (or `*`) gets a 304 in place of a 200, and only of a 200: the
 * request is validated and answered first, so a typo, an unreadable value or
 * an unknown measure is told as without the header, never as "not modified".
 *
 * An answer whose valid time defaults to now (no `at`, on a route that takes
 * it) is never tagged: what is in force changes with the clock alone.
 * A request that must wait for positions this instance has not folded yet
 * is not short-cut: the consistency guard waits, then the answer is tagged.
 */
import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiResponse } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { MIN_POSITION_HEADER, positionsWanted } from './consistent-read.js';

export interface CacheableOptions {
  /** The route takes `at`, and answers for now without it. */
  validTimeDefaultsToNow: boolean;
}

export const IMMUTABLE_CACHE_CONTROL = 'private, max-age=31536000, immutable';

/** Marks a GET route whose answer is a function of its path, parameters and the read model's position. */
export const CacheableAnswer = (options: CacheableOptions) =>
  applyDecorators(
    RouteConfig({ cacheable: options }),
    ApiResponse({
      status: 304,
      description: `Not modified: If-None-Match holds this answer's ETag. Answers for an asOfPosition this instance has read carry a strong ETag and Cache-Control: ${IMMUTABLE_CACHE_CONTROL}; others a weak one from the position and parameters${options.validTimeDefaultsToNow ? ' (when `at` is given: without it the answer is for now, and untagged)' : ''}.`,
    }),
  );

interface Tag {
  etag: string;
  immutable: boolean;
}

const TAG = Symbol('regledger.answer-tag');
/** Asks for a position this instance has not folded yet: tagged, if at all, once the guard has waited. */
const LATER = 'after-the-wait';
type TaggedRequest = FastifyRequest & { [TAG]?: Tag | typeof LATER };

/** Hooks on the Fastify instance; `position` is this instance's read model position. */
export function registerCacheableAnswers(fastify: FastifyInstance, position: () => bigint): void {
  fastify.addHook('preHandler', (request: TaggedRequest, _reply, done) => {
    const options = cacheableOf(request);
    if (options && (request.method === 'GET' || request.method === 'HEAD'))
      request[TAG] = tagFor(request, options, position());
    done();
  });
  fastify.addHook('onSend', (request: TaggedRequest, reply, payload, done) => {
    let tag = request[TAG];
    // The guard has waited for the position asked: an answer as of it is now known to be final.
    if (tag === LATER) tag = tagFor(request, cacheableOf(request)!, position(), { headTag: false });
    if (!tag || tag === LATER || reply.statusCode !== 200) return done(null, payload);
    withTag(reply, tag);
    if (!matches(request.headers['if-none-match'], tag.etag)) return done(null, payload);
    // The answer the client holds: a 304 carries no body, nor the headers that describe one.
    reply.code(304).removeHeader('content-type').removeHeader('content-length');
    done(null, null);
  });
}

const cacheableOf = (request: FastifyRequest) =>
  (request.routeOptions.config as { cacheable?: CacheableOptions }).cacheable;

function withTag(reply: FastifyReply, tag: Tag): FastifyReply {
  reply.header('ETag', tag.etag);
  if (tag.immutable) reply.header('Cache-Control', IMMUTABLE_CACHE_CONTROL);
  return reply;
}

/**
 * The tag of the answer this request will get, read before it is worked out.
 * A head tag is only given from the position read before the answer (never
 * newer than the answer it tags), so not after a wait.
 */
function tagFor(
  request: FastifyRequest,
  options: CacheableOptions,
  folded: bigint,
  { headTag = true } = {},
): Tag | typeof LATER | undefined {
  const query = request.query as Record<string, unknown>;
  if (options.validTimeDefaultsToNow && typeof query.at !== 'string') return undefined;
  let wanted: ReturnType<typeof positionsWanted>;
  try {
    const header = request.headers[MIN_POSITION_HEADER];
    wanted = positionsWanted(query, typeof header === 'string' ? header : undefined);
  } catch {
    return undefined; // the guard answers the 400
  }
  if ((wanted.minPosition ?? 0n) > folded || (wanted.asOfPosition ?? 0n) > folded) return headTag ? LATER : undefined;
  const key = digest(request, query);
  if (wanted.asOfPosition !== undefined) return { etag: `"p${wanted.asOfPosition}-${key}"`, immutable: true };
  return headTag ? { etag: `W/"h${folded}-${key}"`, immutable: false } : undefined;
}

/** The route, the path as sent and the parameters in a canonical order (the key that asks for nothing is not part of it). */
function digest(request: FastifyRequest, query: Record<string, unknown>): string {
  const hash = createHash('sha256')
    .update(request.routeOptions.url ?? '')
    .update('\0')
    .update(request.url.split('?')[0]!.toLowerCase());
  for (const name of Object.keys(query).sort()) hash.update(`\0${name}=${String(query[name])}`);
  return hash.digest('base64url').slice(0, 22);
}

/** If-None-Match: `*`, or a list of tags compared weakly (RFC 9110 §13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}
