/** How the OpenAPI document states the Server-Sent Events routes; their messages are the AsyncAPI document's. */
import { ApiResponse } from '@nestjs/swagger';

export const LAST_EVENT_ID = (what: string) => ({
  name: 'Last-Event-ID',
  required: false,
  description: `Resume after this id (${what}), as a reconnecting EventSource sends it; wins over ?after`,
});

/** Taken because clients set it on every request: a feed reads the log itself and waits for nothing, but checks it. */
export const MIN_POSITION = {
  name: 'X-Min-Position',
  required: false,
  description:
    'A ledger position, as on the queries; a feed has nothing to wait for, and refuses a value that is not one (400)',
};

export const ApiEventStream = (description: string) =>
  ApiResponse({
    status: 200,
    description: `${description}. A comment line every 15 s as a heartbeat; a client too slow to read gets a final \`event: cut-off\` naming the id to resume from.`,
    content: {
      'text/event-stream': {
        schema: { type: 'string', example: 'retry: 2000\n\nid: 1\ndata: {"specversion":"1.0", ...}\n\n' },
      },
    },
  });
