/**
 * The subscribers of the fan-out benchmark, in a worker thread of their own so
 * that parsing a thousand streams does not run on the server's event loop.
 * Each message's arrival is stamped on the clock both threads share
 * (timeOrigin + now); the main thread stamps each append the same way.
 */
import { request, Agent } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, key, subscribers, after } = workerData as { url: string; key: string; subscribers: number; after: string };
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const now = () => performance.timeOrigin + performance.now();
/** Per position: arrivals so far, and the latest arrival time of each (sent in batches to the main thread). */
const arrivals: [position: string, at: number][] = [];
let connected = 0;

function subscribe(): void {
  const req = request(
    `${url}/v1/changes?after=${after}`,
    { agent, headers: { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' } },
    (response) => {
      if (response.statusCode !== 200) throw new Error(`subscribe: HTTP ${response.statusCode}`);
      if (++connected === subscribers) parentPort!.postMessage({ type: 'connected' });
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const at = now();
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const id = /^id: (\S+)$/m.exec(buffer.slice(0, cut));
          if (id) arrivals.push([id[1]!, at]);
          buffer = buffer.slice(cut + 2);
        }
      });
    },
  );
  req.on('error', (error) => parentPort!.postMessage({ type: 'error', message: error.message }));
  req.end();
}

for (let i = 0; i < subscribers; i++) subscribe();
const flush = setInterval(() => {
  if (arrivals.length) parentPort!.postMessage({ type: 'arrivals', arrivals: arrivals.splice(0) });
}, 100);
parentPort!.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  clearInterval(flush);
  parentPort!.postMessage({ type: 'arrivals', arrivals: arrivals.splice(0) });
  parentPort!.postMessage({ type: 'stopped' });
  process.exit(0);
});
