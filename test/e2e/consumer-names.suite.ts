/**
 * A consumer's name is a path segment of its routes: `.` and `..` mean this
 * and the parent folder there, so a client or proxy that normalises paths
 * would send `/v1/consumers/../ack` to `/v1/ack`. Such names are refused
 * wherever a consumer is named (sent percent-encoded, as they reach the server).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('e2e/consumer-names', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Sent as written, over a socket: an HTTP client library (and inject) would resolve the dot segments first. */
  async function send(method: 'GET' | 'POST', path: string) {
    const server = t.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const payload = method === 'POST' ? JSON.stringify({ position: '0' }) : undefined;
    const text = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const sent = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: { ...bearer('reader'), ...(payload ? { 'content-type': 'application/json' } : {}) },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body }));
        },
      );
      sent.on('error', reject);
      sent.end(payload);
    });
    const body = JSON.parse(text.body) as { details?: { field?: string; rule: string; message: string }[] };
    return { status: text.status, details: body.details ?? [] };
  }

  it.each([
    ['.', '%2E'],
    ['..', '%2E%2E'],
    ['..', '%2e%2e'],
  ])(
    'refuses the name %s (sent as %s) with a rule that says why, on every route that names a consumer',
    async (name, encoded) => {
      for (const [method, url, field] of [
        ['POST', `/v1/consumers/${encoded}/ack`, 'name'],
        ['GET', `/v1/consumers/${encoded}`, 'name'],
        ['GET', `/v1/changes?consumer=${encoded}`, 'consumer'],
      ] as const) {
        const answer = await send(method, url);
        expect({ url, status: answer.status }).toEqual({ url, status: 400 });
        expect(answer.details).toEqual([
          expect.objectContaining({ field, rule: 'isConsumerName', message: expect.stringContaining(`"${name}"`) }),
        ]);
      }
    },
  );

  it('still takes names that hold dots among other characters', async () => {
    for (const name of ['...', '.svc', 'svc.', 'a..b']) {
      const acknowledged = await send('POST', `/v1/consumers/${name}/ack`);
      expect({ name, status: acknowledged.status }).toEqual({ name, status: 200 });
    }
  });
});
