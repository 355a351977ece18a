/**
 * What the fuzz suites share: the app listening on a real port (so raw paths,
 * repeated parameters and bad headers reach it as sent), a request bounded in
 * time, the routes as the OpenAPI document lists them, and the judgement of
 * one answer against the contract.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { everyCommand } from '../support/commands.js';
import type { Verdict } from '../support/fuzz-arbitraries.js';
import { bearer, KEYS, startTestApp, type TestApp } from '../support/http-app.js';

/** A request that takes longer than this is a hang. */
export const REQUEST_TIMEOUT_MS = 5_000;

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string | undefined>;
  body?: string;
}

export interface RawResponse {
  status: number;
  contentType: string;
  retryAfter?: string;
  /** The X-Correlation-Id sent back. */
  correlationId?: string;
  text: string;
  json?: unknown;
}

export interface FuzzApp extends TestApp {
  send(request: RawRequest): Promise<RawResponse>;
  /** The last position in the log, read from the store ('0' when empty). */
  head(): Promise<string>;
  openapi: OpenApi;
}

export interface OpenApiOperation {
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: unknown;
}
export interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
}

export interface Route {
  method: string;
  /** The OpenAPI path template, `/v1/subjects/{subjectId}/state`. */
  template: string;
  pathParams: string[];
  queryParams: string[];
  secured: boolean;
  /** Answers a stream of Server-Sent Events. */
  sse: boolean;
}

/** One request at a time over node:http; an SSE answer is cut after its headers. */
function sendRaw(base: string, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    // node:http frames a GET or DELETE body neither by length nor by chunks: unframed, it would be read as the next request.
    if (
      req.body !== undefined &&
      !['POST', 'PUT', 'PATCH'].includes(req.method) &&
      !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))
    ) {
      headers['Content-Length'] = String(Buffer.byteLength(req.body));
    }
    // Host and path given apart: a URL string would have its dot segments resolved before sending.
    const { hostname, port } = new URL(base);
    const outgoing = httpRequest({ hostname, port, path: req.path, method: req.method, headers }, (response) => {
      const contentType = String(response.headers['content-type'] ?? '');
      const status = response.statusCode ?? 0;
      if (contentType.startsWith('text/event-stream')) {
        clearTimeout(timer);
        outgoing.destroy();
        resolve({ status, contentType, text: '' });
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const retryAfter = response.headers['retry-after'];
        const correlationId = response.headers['x-correlation-id'];
        resolve({
          status,
          contentType,
          text,
          json,
          ...(retryAfter !== undefined ? { retryAfter: String(retryAfter) } : {}),
          ...(typeof correlationId === 'string' ? { correlationId } : {}),
        });
      });
      response.on('error', reject);
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new Error(`no complete answer within ${REQUEST_TIMEOUT_MS} ms (a hang)`));
    }, REQUEST_TIMEOUT_MS);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (req.body !== undefined) outgoing.write(req.body);
    outgoing.end();
  });
}

/** The example history, then one measure with every command type's preconditions met, so unmutated commands of every type can succeed. */
export async function startFuzzApp(): Promise<FuzzApp> {
  const t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const send = (req: RawRequest) => sendRaw(base, req);
  const post = async (body: unknown) => {
    const response = await send({
      method: 'POST',
      path: '/v1/commands',
      headers: { ...bearer('writer'), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`seeding failed: ${response.status} ${response.text}`);
    return response.json as { events: { eventId: string }[] };
  };
  for (const command of exampleCommands()) await post(command);
  const seeded = everyCommand(() => '').slice(0, 9);
  for (const step of seeded) await post(step());
  const openapi = (await send({ method: 'GET', path: '/docs/openapi.json' })).json as OpenApi;
  return {
    ...t,
    send,
    openapi,
    async head() {
      const [last] = await t.store.readAll({ direction: 'backwards', maxCount: 1 });
      return last ? last.position.toString() : '0';
    },
  };
}

export function exampleCommands(): Record<string, unknown>[] {
  return JSON.parse(readFileSync(new URL('../../examples/huawei-2019.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >[];
}

/** Every route of the OpenAPI document, with its parameters. */
export function routesOf(openapi: OpenApi): Route[] {
  return Object.entries(openapi.paths).flatMap(([template, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      pathParams: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
      queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      secured: (op.security ?? []).length > 0,
      sse: template.startsWith('/v1/changes'),
    })),
  );
}

/** The DTO's field names of each command type, from the OpenAPI schemas generated from src/ledger/dto/command.dto.ts. */
export function commandFields(openapi: OpenApi, type: string): { fields: string[]; required: string[] } {
  const schema = openapi.components.schemas[`${type}Dto`];
  if (!schema?.properties) throw new Error(`no OpenAPI schema ${type}Dto`);
  return { fields: Object.keys(schema.properties), required: schema.required ?? [] };
}

export const writerHeaders = { ...bearer('writer'), 'Content-Type': 'application/json' };
export const readerHeaders = bearer('reader');
export const adminHeaders = bearer('admin');
export { KEYS };

/** Long texts keep their head and tail: a mutation is often the last field. */
const short = (text: string) =>
  text.length > 700 ? `${text.slice(0, 250)} …(${text.length} chars)… ${text.slice(-400)}` : text;

/** A readable account of one exchange, for the failure message next to fast-check's counterexample. */
export function describeExchange(req: RawRequest, response: RawResponse | undefined, logged: string): string {
  const body = req.body === undefined ? '' : `\n  body: ${short(req.body)}`;
  const answer = response
    ? `${response.status} ${response.contentType}\n  answer: ${short(response.text)}`
    : 'no answer';
  return `${req.method} ${short(req.path)}${body}\n  → ${answer}\n  log: ${logged}`;
}

/** The error shape every non-2xx answer has. */
export function errorShapeProblem(response: RawResponse): string | undefined {
  const body = response.json as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return 'the error is not a JSON object';
  if (body.statusCode !== response.status) return `statusCode ${String(body.statusCode)} differs from the HTTP status`;
  if (typeof body.error !== 'string' || typeof body.message !== 'string') return 'error and message must be strings';
  if (!Array.isArray(body.details)) return 'details[] is missing';
  for (const detail of body.details as Record<string, unknown>[]) {
    if (!detail || typeof detail.rule !== 'string' || typeof detail.message !== 'string')
      return 'each detail needs a rule and a message';
  }
  if (response.status === 400 && body.details.length === 0) return 'a 400 names no field and rule in details[]';
  return undefined;
}

/**
 * Sends one request and judges its answer: never a 5xx, never a hang; a 4xx in
 * the error shape; a 2xx only where the input is valid (or the contract does
 * not decide); and, for writes, the log unchanged unless a 2xx says it grew.
 */
export async function exchange(
  app: FuzzApp,
  req: RawRequest,
  verdict: Verdict,
  /** partialWrites: a batch keeps the commands applied before one the domain rejects (409, 422); bad input (400) writes nothing. */
  /** mayBeUnavailable: a valid minPosition the ledger does not hold yet is a 503 with Retry-After, by design. */
  /** allowNotModified: an If-None-Match that matches (`*` does) is a 304. */
  options: {
    writes?: boolean;
    partialWrites?: boolean;
    expectStatus?: number;
    mayBeUnavailable?: boolean;
    allowNotModified?: boolean;
  } = {},
): Promise<RawResponse> {
  const before = await app.head();
  let response: RawResponse | undefined;
  let failure: string | undefined;
  try {
    response = await app.send(req);
  } catch (error) {
    failure = (error as Error).message;
  }
  const after = await app.head();
  const logged = before === after ? 'unchanged' : `head moved from ${before} to ${after}`;
  if (!failure && response) {
    const { status } = response;
    const unavailableByDesign = status === 503 && options.mayBeUnavailable && response.retryAfter !== undefined;
    if (unavailableByDesign)
      failure = errorShapeProblem(response) ?? (before !== after ? 'a rejected request changed the log' : undefined);
    else if (status >= 500) failure = `a ${status}`;
    else if (options.expectStatus !== undefined && status !== options.expectStatus)
      failure = `expected ${options.expectStatus}, got ${status}`;
    else if (status >= 400)
      failure =
        errorShapeProblem(response) ??
        (before !== after && !(options.partialWrites && status !== 400)
          ? 'a rejected request changed the log'
          : undefined);
    else if (status === 304 && options.allowNotModified) failure = undefined;
    else if (status >= 300 || status < 200) failure = `an unexpected ${status}`;
    else if (verdict === 'invalid') failure = `a ${status} for input the contract refuses`;
    else if (!options.writes && before !== after) failure = 'a read changed the log';
  }
  if (failure && process.env.FUZZ_SURVEY) {
    // Surveying: every failure is listed (one JSON line each) and the run goes on, instead of stopping at the first.
    appendFileSync(
      process.env.FUZZ_SURVEY,
      `${JSON.stringify({ failure, method: req.method, path: short(req.path), headers: req.headers, body: req.body && short(req.body), status: response?.status, answer: response && short(response.text), logged })}\n`,
    );
  } else if (failure) throw new Error(`${failure}\n${describeExchange(req, response, logged)}`);
  return response!;
}

/** Percent-encodes every byte of a string as UTF-8, lone surrogates as the raw bytes an attacker would send (WTF-8), so any value fits a path. */
export function encodeRaw(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    let bytes: number[];
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes = [...Buffer.from(value.slice(i, i + 2), 'utf8')];
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
    } else {
      bytes = [...Buffer.from(String.fromCharCode(code), 'utf8')];
    }
    out += bytes
      .map((b) =>
        /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
          ? String.fromCharCode(b)
          : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
      )
      .join('');
  }
  return out;
}
