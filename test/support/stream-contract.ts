/**
 * Each Server-Sent Event a feed delivers, checked against the message its
 * channel declares in the AsyncAPI document.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { AsyncApiDocument } from '../../src/changes/asyncapi.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

export interface StreamMessage {
  id?: string;
  event?: string;
  data: string;
}

/** What is wrong with one message, or undefined. */
export type StreamMessageCheck = (message: StreamMessage) => string | undefined;

const DOCUMENT_ID = 'asyncapi.json';

/**
 * One check per channel address (the OpenAPI path of the route that serves it). A channel's message validators are
 * compiled on its first message: most apps a test starts never open a feed, and compiling them all costs ~0.3 s.
 */
export function streamMessageValidator(document: AsyncApiDocument): Record<string, StreamMessageCheck> {
  let compiler: Ajv | undefined;
  const ajv = (): Ajv => {
    if (!compiler) {
      compiler = addFormats(new Ajv({ strict: false, allErrors: true }));
      compiler.addSchema(document, DOCUMENT_ID);
    }
    return compiler;
  };
  const payload = (name: string): ValidateFunction => {
    const validate = ajv().getSchema(`${DOCUMENT_ID}#/components/messages/${name}/payload`);
    if (!validate) throw new Error(`no AsyncAPI message ${name}`);
    return validate;
  };
  let cutOffValidator: ValidateFunction | undefined;
  const cutOff = (): ValidateFunction => (cutOffValidator ??= payload('cutOff'));
  let feedErrorValidator: ValidateFunction | undefined;
  const feedError = (): ValidateFunction => (feedErrorValidator ??= payload('feedError'));
  const checks: Record<string, StreamMessageCheck> = {};
  for (const channel of Object.values(document.channels)) {
    const names = Object.keys(channel.messages).filter((name) => name !== 'cutOff' && name !== 'feedError');
    const compiled = new Map<string, ValidateFunction>();
    const validator = (name: string): ValidateFunction => {
      let validate = compiled.get(name);
      if (!validate) compiled.set(name, (validate = payload(name)));
      return validate;
    };
    checks[channel.address] = (message) => {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return `${channel.address}: message ${message.id ?? ''} is not JSON: ${message.data.slice(0, 200)}`;
      }
      if (message.event === 'cut-off') return problem(cutOff(), 'cutOff', data, message);
      if (message.event === 'error') return problem(feedError(), 'feedError', data, message);
      if (message.event !== undefined) return `${channel.address}: event ${message.event} is not declared`;
      if (message.id === undefined) return `${channel.address}: a message without an id cannot be resumed from`;
      // A ledger event's message is named by its type; the effective feed has one message.
      const type = (data as { type?: unknown }).type;
      const name =
        typeof type === 'string' && names.includes(type.replace(/^org\.regledger\./, ''))
          ? type.replace(/^org\.regledger\./, '')
          : names.length === 1
            ? names[0]!
            : undefined;
      if (!name) return `${channel.address}: no message of ${channel.address} is for type ${String(type)}`;
      return problem(validator(name), name, data, message);
    };
  }
  return checks;

  function problem(
    validate: ValidateFunction,
    name: string,
    data: unknown,
    message: StreamMessage,
  ): string | undefined {
    if (validate(data)) return undefined;
    return `message ${message.id ?? ''} does not match AsyncAPI message ${name}: ${ajv().errorsText(validate.errors, { separator: '; ' })}\n${message.data.slice(0, 500)}`;
  }
}
