/**
 * Checks every answer the HTTP server gives against the OpenAPI document (and
 * each Server-Sent Event against the AsyncAPI document): the status must be
 * declared for the route, with a schema for the content type sent, and the
 * body must match it. A route that declares no schema fails here, loudly.
 */
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { asyncApiDocument } from '../../src/changes/asyncapi.js';
import { openApiDocument } from '../../src/openapi.js';
import { streamMessageValidator, type StreamMessage, type StreamMessageCheck } from './stream-contract.js';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const DOCUMENT_ID = 'openapi.json';
/** Most bodies are small; a replayed feed is cut here rather than held whole. */
const MAX_CAPTURE = 8 * 1024 * 1024;

export class ResponseContract {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Built on the first event stream checked: most apps a test starts never serve one. */
  private streamChecks?: Record<string, StreamMessageCheck>;

  constructor(readonly document: OpenAPIObject) {
    this.ajv = addFormats(new Ajv({ strict: false, allErrors: true, discriminator: true }));
    this.ajv.addSchema(document, DOCUMENT_ID);
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(
        item as Record<string, { responses?: Operation['responses'] }>,
      )) {
        if (!operation?.responses) continue;
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
        // As Express matches: case-insensitive, a trailing slash allowed.
        this.operations.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}/?$`, 'i'),
          params: (template.match(/\{/g) ?? []).length,
          responses: operation.responses,
        });
      }
    }
    // A literal segment wins over a parameter, as the router decides.
    this.operations.sort((a, b) => a.params - b.params);
  }

  private get streams(): Record<string, StreamMessageCheck> {
    return (this.streamChecks ??= streamMessageValidator(
      asyncApiDocument({ openApiSchemas: this.document.components?.schemas ?? {}, host: '127.0.0.1', port: 3000 }),
    ));
  }

  private static cached?: ResponseContract;
  /** One document per process: every test app serves the same routes. */
  static of(app: INestApplication): ResponseContract {
    return (ResponseContract.cached ??= new ResponseContract(openApiDocument(app)));
  }

  /** What is wrong with one answer, or undefined when it keeps the contract. */
  check(
    method: string,
    url: string,
    status: number,
    contentType: string | undefined,
    body: string,
  ): string | undefined {
    const path = url.split('?')[0]!;
    if (/^\/docs(\/|$)/i.test(path)) return undefined;
    const wanted = method === 'HEAD' ? 'GET' : method;
    const operation = this.operations.find((o) => o.method === wanted && o.pattern.test(path));
    const where = `${method} ${path} → ${status}`;
    // The web app's page and assets are files, not API answers.
    if (
      !operation &&
      status === 200 &&
      /^(text\/html|text\/css|text\/javascript|application\/javascript|image\/)/.test(contentType ?? '')
    )
      return undefined;
    // No route: the framework's 404, which must still be the one error shape.
    if (!operation)
      return this.validate('#/components/schemas/ErrorResponseDto', body, where, 'application/json', contentType);
    const response = operation.responses[String(status)] ?? operation.responses.default;
    if (!response) return `${where}: status ${status} is not declared for ${operation.method} ${operation.template}`;
    if (method === 'HEAD' || status === 204 || status === 304) return undefined;
    const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const content = response.content ?? {};
    const declared = Object.keys(content);
    if (!declared.length || !content[mediaType]?.schema) {
      return `${where}: ${operation.method} ${operation.template} declares no schema for ${status} ${mediaType || '(no content type)'} (declared: ${declared.join(', ') || 'none'})`;
    }
    if (mediaType === 'text/event-stream') return this.checkStream(operation.template, body, where);
    if (mediaType !== 'application/json') return undefined;
    const pointer = `#/paths/${escape(operation.template)}/${operation.method.toLowerCase()}/responses/${status in operation.responses ? status : 'default'}/content/${escape(mediaType)}/schema`;
    return this.validate(pointer, body, where, mediaType, contentType);
  }

  private validate(
    pointer: string,
    body: string,
    where: string,
    mediaType: string,
    contentType: string | undefined,
  ): string | undefined {
    if (!(contentType ?? '').toLowerCase().startsWith(mediaType))
      return `${where}: content type ${contentType ?? '(none)'}, expected ${mediaType}`;
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return `${where}: the body is not JSON: ${body.slice(0, 200)}`;
    }
    const validate = this.validator(pointer);
    if (validate(json)) return undefined;
    return `${where}: the body does not match ${pointer}: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}\n${body.slice(0, 500)}`;
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.getSchema(`${DOCUMENT_ID}${pointer}`);
      if (!validate) throw new Error(`no schema at ${pointer}`);
      this.compiled.set(pointer, validate);
    }
    return validate;
  }

  /** Each message of a Server-Sent Events answer, against the AsyncAPI message its channel declares. */
  private checkStream(template: string, body: string, where: string): string | undefined {
    const check = this.streams[template];
    if (!check) return `${where}: no AsyncAPI channel for ${template}`;
    for (const message of parseEvents(body)) {
      const problem = check(message);
      if (problem) return `${where}: ${problem}`;
    }
    return undefined;
  }

  /**
   * Watches every answer the server gives; a broken one is reported to
   * `onViolation` (a test's hook fails on it) rather than thrown in the server.
   */
  watch(server: Server, onViolation: (message: string) => void): void {
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const keep = (chunk: unknown, encoding?: unknown) => {
        if (chunk === undefined || chunk === null || typeof chunk === 'function' || size > MAX_CAPTURE) return;
        const buffer = Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
        size += buffer.length;
        chunks.push(buffer);
      };
      const write = response.write.bind(response) as (...args: unknown[]) => boolean;
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.write = ((chunk: unknown, ...rest: unknown[]) => (
        keep(chunk, rest[0]),
        write(chunk, ...rest)
      )) as ServerResponse['write'];
      response.end = ((chunk?: unknown, ...rest: unknown[]) => (
        keep(chunk, rest[0]),
        end(chunk, ...rest)
      )) as ServerResponse['end'];
      // Headers given to writeHead alone (Fastify's router answering before any hook) are not kept by getHeader.
      let writtenType: unknown;
      const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
      response.writeHead = (...args: unknown[]) => {
        const headers = args
          .slice(1)
          .find((a): a is Record<string, unknown> => typeof a === 'object' && a !== null && !Array.isArray(a));
        writtenType = headers && Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
        return writeHead(...args);
      };
      response.once('close', () => {
        if (!response.headersSent || size > MAX_CAPTURE) return;
        const contentType = response.getHeader('content-type') ?? (writtenType as string | undefined);
        const stream = String(contentType ?? '').startsWith('text/event-stream');
        // A JSON answer cut short by the client is not the server's to answer for; a stream always ends that way.
        if (!stream && !response.writableFinished) return;
        const problem = this.check(
          request.method ?? 'GET',
          request.url ?? '/',
          response.statusCode,
          contentType === undefined ? undefined : String(contentType),
          Buffer.concat(chunks).toString('utf8'),
        );
        if (problem) onViolation(problem);
      });
    });
  }
}

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The complete messages of a Server-Sent Events body (a message cut off mid-way is left out). */
export function parseEvents(body: string): StreamMessage[] {
  const messages: StreamMessage[] = [];
  const blocks = body.replace(/\r\n?/g, '\n').split('\n\n');
  blocks.pop();
  for (const block of blocks) {
    const message: StreamMessage = { data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || !line) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'id') message.id = value;
      else if (field === 'event') message.event = value;
    }
    if (!data.length) continue;
    message.data = data.join('\n');
    messages.push(message);
  }
  return messages;
}
