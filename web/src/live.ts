/**
 * Live updates: the ledger's change feed for one subject, read with fetch so
 * the API key goes as a header (EventSource cannot send one), parsed with
 * eventsource-parser. Reconnects with Last-Event-ID after a drop.
 */
import { createParser } from 'eventsource-parser';
import { useEffect } from 'preact/hooks';
import { authHeaders } from './api.js';

export interface LedgerChange {
  position: string;
  type: string;
  measureId: string;
  citation?: string;
}

export function useLiveChanges(subjectId: string, onChange: (change: LedgerChange) => void): void {
  useEffect(() => {
    const controller = new AbortController();
    let lastId: string | undefined;
    let delay = 1000;
    const connect = async () => {
      while (!controller.signal.aborted) {
        try {
          const response = await fetch(`/v1/changes?subject=${encodeURIComponent(subjectId)}`, {
            headers: { ...authHeaders(), Accept: 'text/event-stream', ...(lastId ? { 'Last-Event-ID': lastId } : {}) },
            signal: controller.signal,
          });
          if (!response.ok || !response.body) throw new Error(`change feed: ${response.status}`);
          delay = 1000;
          const parser = createParser({
            onEvent(message) {
              if (message.id) lastId = message.id;
              if (message.event && message.event !== 'message') return;
              const cloudEvent = JSON.parse(message.data) as {
                type: string;
                subject: string;
                ledgerposition: string;
                data?: { citation?: string };
              };
              onChange({
                position: cloudEvent.ledgerposition,
                type: cloudEvent.type.replace(/^org\.regledger\./, ''),
                measureId: cloudEvent.subject,
                citation: cloudEvent.data?.citation,
              });
            },
          });
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.feed(value);
          }
        } catch {
          if (controller.signal.aborted) return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 30_000);
      }
    };
    void connect();
    return () => controller.abort();
  }, [subjectId]);
}
