/**
 * Streams.Read of the wire-level test server: reads of a stream or of `$all`
 * in either direction (start inclusive), and subscriptions to `$all` (start
 * exclusive) that confirm, catch up, send caught-up, then go live; filtered
 * ones send a checkpoint every multiplier × 32 examined events and one when
 * catch-up ends.
 */
import type * as grpc from '@grpc/grpc-js';
import type { LogRecord, WireLog } from './log.js';
import { ReadReq, ReadResp, UUID, type ReadReqMessage, type ReadRespMessage } from './proto.js';
import { identifier, streamName } from './server.js';

const CHECKPOINT_WINDOW = 32;

type ReadCall = grpc.ServerWritableStream<ReadReqMessage, ReadRespMessage>;
type Options = InstanceType<typeof ReadReq.Options>;

export function serveRead(log: WireLog, call: ReadCall): void {
  const options = call.request.getOptions()!;
  if (options.hasSubscription()) return subscribe(log, call, options);
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
  const count = Number(options.getCount());
  let records: LogRecord[];
  if (options.hasStream()) {
    const stream = options.getStream()!;
    const name = streamName(stream.getStreamIdentifier());
    records = log.stream(name);
    if (!records.length) {
      const notFound = new ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(identifier(name));
      const response = new ReadResp();
      response.setStreamNotFound(notFound);
      call.write(response);
      return void call.end();
    }
    if (stream.hasRevision()) {
      const from = BigInt(stream.getRevision());
      records = records.filter((r) => (backwards ? r.revision <= from : r.revision >= from));
    }
  } else {
    const all = options.getAll()!;
    records = log.records;
    if (all.hasPosition()) {
      const from = BigInt(all.getPosition()!.getCommitPosition());
      records = records.filter((r) => (backwards ? r.position <= from : r.position >= from));
    } else if (all.hasEnd() && !backwards) records = [];
  }
  const ordered = backwards ? [...records].reverse() : records;
  for (const record of ordered.slice(0, count)) call.write(eventResponse(record));
  call.end();
}

function subscribe(log: WireLog, call: ReadCall, options: Options): void {
  const matches = filterOf(options);
  const multiplier = options.hasFilter() ? options.getFilter()!.getCheckpointintervalmultiplier() || 1 : 0;
  const confirmation = new ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(crypto.randomUUID());
  call.write(withContent((r) => r.setConfirmation(confirmation)));

  const all = options.getAll()!;
  const after = all.hasPosition()
    ? BigInt(all.getPosition()!.getCommitPosition())
    : all.hasEnd()
      ? (log.records.at(-1)?.position ?? -1n)
      : -1n;
  let examined = 0;
  const deliver = (record: LogRecord): void => {
    if (matches(record)) call.write(eventResponse(record));
    if (multiplier && ++examined % (multiplier * CHECKPOINT_WINDOW) === 0) call.write(checkpoint(record.position));
  };
  // Registered before catching up, so nothing appended in between is missed; anything seen twice is dropped by position.
  let caughtUp = false;
  const live: LogRecord[] = [];
  let last = after;
  const unsubscribe = log.onAppend((record) => {
    if (!caughtUp) return void live.push(record);
    if (record.position > last) {
      last = record.position;
      deliver(record);
    }
  });
  call.on('cancelled', unsubscribe);
  call.on('close', unsubscribe);
  call.on('error', unsubscribe);

  for (const record of log.records) {
    if (record.position <= last) continue;
    last = record.position;
    deliver(record);
  }
  for (const record of live) {
    if (record.position <= last) continue;
    last = record.position;
    deliver(record);
  }
  if (multiplier) call.write(checkpoint(last < 0n ? 0n : last));
  call.write(withContent((r) => r.setCaughtUp(new ReadResp.CaughtUp())));
  caughtUp = true;
}

function filterOf(options: Options): (record: LogRecord) => boolean {
  if (!options.hasFilter()) return () => true;
  const filter = options.getFilter()!;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  return (record) => {
    const value = onStream ? record.streamId : record.type;
    return regex ? regex.test(value) : prefixes.some((p) => value.startsWith(p));
  };
}

function withContent(set: (response: ReadRespMessage) => void): ReadRespMessage {
  const response = new ReadResp();
  set(response);
  return response;
}

function checkpoint(position: bigint): ReadRespMessage {
  const point = new ReadResp.Checkpoint();
  point.setCommitPosition(position.toString());
  point.setPreparePosition(position.toString());
  return withContent((r) => r.setCheckpoint(point));
}

function eventResponse(record: LogRecord): ReadRespMessage {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  const id = new UUID();
  id.setString(record.eventId);
  recorded.setId(id);
  recorded.setStreamIdentifier(identifier(record.streamId));
  recorded.setStreamRevision(record.revision.toString());
  recorded.setPreparePosition(record.position.toString());
  recorded.setCommitPosition(record.position.toString());
  const metadata = recorded.getMetadataMap();
  metadata.set('type', record.type);
  metadata.set('content-type', record.contentType);
  metadata.set('created', record.createdTicks.toString());
  recorded.setCustomMetadata(record.metadata);
  recorded.setData(record.data);
  const event = new ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(record.position.toString());
  return withContent((r) => r.setEvent(event));
}
