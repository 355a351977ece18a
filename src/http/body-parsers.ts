/**
 * Request bodies: JSON (application/json, application/*+json) and NDJSON
 * (application/x-ndjson, application/jsonl, kept as text for the batch route
 * to read line by line), each at most the configured size. Any other type is
 * not read as a body at all: a command sent as text/plain is not a command.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_COMMANDS_PER_BATCH } from '../domain/command-limits.js';
import { LedgerError, MAX_DETAILS } from '../errors.js';
import { depthProblem, mayHoldLoneSurrogate, unicodeProblems } from '../json-shape.js';
import { duplicateKeyProblem } from './duplicate-keys.js';

const JSON_TYPES = ['application/json', /^application\/[^;\s]+\+json\s*(?:;|$)/i] as const;
const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl'];

export function registerBodyParsers(instance: FastifyInstance): void {
  instance.removeAllContentTypeParsers();
  for (const type of JSON_TYPES) {
    instance.addContentTypeParser(type, { parseAs: 'string' }, (request, text, done) => {
      try {
        done(null, parseJson(request, String(text)));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
  }
  instance.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string' }, (request, text, done) => {
    try {
      utf8Only(request);
      // Counted before a line is parsed: an over-long batch is refused without reading its commands.
      const commands = countNonBlankLines(String(text), MAX_COMMANDS_PER_BATCH + 1);
      if (commands > MAX_COMMANDS_PER_BATCH) throw tooManyCommands(`more than ${MAX_COMMANDS_PER_BATCH}`);
      done(null, text);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Read (within the limit) and set aside, so the connection stays usable; the route then sees no body.
  instance.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
}

/**
 * Objects and arrays only at the top, as JSON (RFC 8259) in UTF-8, its text well-formed Unicode; checked for depth
 * before anything recursive walks it.
 */
function parseJson(request: FastifyRequest, text: string): unknown {
  utf8Only(request);
  if (text === '') return {};
  // JSON whitespace is exactly these four characters (RFC 8259).
  const first = /^[ \t\n\r]*(.)/.exec(text)?.[1];
  if (first !== '{' && first !== '[')
    throw notJson(`the top-level value must be an object or an array, not ${JSON.stringify(text.slice(0, 20))}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw notJson((error as Error).message);
  }
  // Before anything walks the elements: the batch route refuses an over-long array whatever it holds.
  if (Array.isArray(body) && body.length > MAX_COMMANDS_PER_BATCH && isBatchRoute(request))
    throw tooManyCommands(String(body.length));
  const tooDeep = depthProblem(body);
  if (tooDeep) throw new LedgerError('bad-input', tooDeep.message, [tooDeep]);
  // Every JSON body, whatever its route: an unpaired surrogate could be neither hashed nor stored as sent.
  const illFormed = mayHoldLoneSurrogate(text) ? unicodeProblems(body, MAX_DETAILS) : [];
  if (illFormed.length) throw new LedgerError('bad-input', illFormed[0]!.message, illFormed);
  const duplicate = duplicateKeyProblem(text);
  if (duplicate) throw new LedgerError('bad-input', duplicate.message, [duplicate]);
  return body;
}

function utf8Only(request: FastifyRequest): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    throw notJson(`unsupported charset "${charset.toUpperCase()}": send UTF-8`);
}

function notJson(message: string): LedgerError {
  return new LedgerError('bad-input', `the request body is not valid JSON: ${message}`, [{ rule: 'isJson', message }]);
}

/** A batch of more commands than MAX_COMMANDS_PER_BATCH: 413, as for a body over the size limit; nothing is read further. */
export function tooManyCommands(count: string): LedgerError {
  const message = `a batch holds at most ${MAX_COMMANDS_PER_BATCH} commands, this one ${count}: send it as several batches`;
  return new LedgerError('too-large', message, [
    { field: 'batch', rule: 'maxCommandsPerBatch', message, value: MAX_COMMANDS_PER_BATCH },
  ]);
}

function isBatchRoute(request: FastifyRequest): boolean {
  return request.url.split('?')[0]!.replace(/\/+$/, '') === '/v1/commands/batch';
}

/** The lines holding more than whitespace, counted up to `stopAt`. */
function countNonBlankLines(text: string, stopAt: number): number {
  let count = 0;
  let start = 0;
  while (start < text.length && count < stopAt) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    if (/\S/.test(text.slice(start, stop))) count++;
    start = stop + 1;
  }
  return count;
}
