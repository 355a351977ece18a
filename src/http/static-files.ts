/**
 * Files served as they are on disk (the web app's built assets, Swagger UI's),
 * streamed with their content type, a validator (ETag from size and mtime)
 * and the caching the caller chooses. Only files directly under, or below,
 * the root: a path that leaves it, or does not decode, is not found.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { LedgerError } from '../errors.js';
import { sendError } from './error-response.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticOptions {
  cacheControl: string;
}

/** Sends `relative` (URL path, still encoded) from under `root`; a 404 in the one error shape when there is no such file. */
export async function sendFile(
  request: FastifyRequest,
  reply: FastifyReply,
  root: string,
  relative: string,
  options: StaticOptions,
): Promise<FastifyReply> {
  const file = resolveUnder(root, relative);
  const found = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !found?.isFile()) {
    sendError(reply, new LedgerError('not-found', `no such file: ${relative}`));
    return reply;
  }
  const etag = `W/"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}"`;
  reply
    .header('Cache-Control', options.cacheControl)
    .header('ETag', etag)
    .header('Last-Modified', found.mtime.toUTCString());
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  reply
    .type(CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
    .header('Content-Length', found.size);
  if (request.method === 'HEAD') return reply.send();
  return reply.send(createReadStream(file));
}

function resolveUnder(root: string, relative: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = normalize(join(root, decoded));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined;
}
