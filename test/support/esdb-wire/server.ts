/**
 * A test server that speaks EventStoreDB's gRPC protocol to the real
 * `@eventstore/db-client`: Streams (Append, BatchAppend, Read of streams and
 * `$all` both ways, subscriptions with filters, checkpoints and caught-up),
 * ServerFeatures and Gossip (one leader). A test double for the adapter's
 * tests, not a database: its semantics stop at what EVENTSTOREDB.md documents.
 *
 * It can be stopped and started again on the same port and data, told to
 * answer the next write with not-leader, naming another server as leader, and
 * told to stop right after storing a write, before it answers (the write's
 * outcome then unknown to the client).
 */
import * as grpc from '@grpc/grpc-js';
import { WireLog, type Expected, type LogRecord, type ProposedEvent, type WireLogOptions } from './log.js';
import {
  Any,
  AppendResp,
  AllStreamPosition,
  BatchAppendResp,
  ClusterInfo,
  Empty,
  EndPoint,
  GossipService,
  MemberInfo,
  ProtobufEmpty,
  ServerFeaturesService,
  Status,
  StreamIdentifier,
  StreamsService,
  SupportedMethod,
  SupportedMethods,
  UUID,
  WrongExpectedVersion,
  type AppendReqMessage,
  type AppendRespMessage,
  type BatchAppendReqMessage,
  type BatchAppendRespMessage,
  type StreamIdentifierMessage,
  type UUIDMessage,
} from './proto.js';
import { serveRead } from './read.js';
import type { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb.js';

export interface WireServerOptions extends WireLogOptions {
  /** Advertise Streams.BatchAppend in ServerFeatures (the client then appends through it). */
  batchAppend?: boolean;
  /** Share another server's data: two servers, one log, as a leader and a follower. */
  log?: WireLog;
}

export class EventStoreWireServer {
  readonly log: WireLog;
  private server?: grpc.Server;
  private port = 0;
  private notLeaderOnce?: { host: string; port: number };
  private stopAfterStoringTo?: string;
  /** Calls by method name, for tests to see which path the client took. */
  readonly calls = new Map<string, number>();

  constructor(private readonly options: WireServerOptions = {}) {
    this.log = options.log ?? new WireLog(options);
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Binds the port it had before a stop, or a free one the first time. */
  async start(): Promise<this> {
    const server = new grpc.Server();
    const streams: IStreamsServer = {
      read: (call) => this.count('read') && serveRead(this.log, call),
      append: (call, callback) => this.count('append') && this.append(call, callback),
      batchAppend: (call) => this.count('batchAppend') && this.batchAppend(call),
      delete: unimplemented,
      tombstone: unimplemented,
    };
    server.addService(StreamsService, streams);
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<never>) => this.supportedMethods(callback),
    });
    server.addService(GossipService, {
      read: (_call: unknown, callback: grpc.sendUnaryData<never>) => this.count('gossip') && this.gossip(callback),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${this.port}`, grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    this.server = server;
    return this;
  }

  /** Drops every open call and connection, as a crashed or restarted node would. */
  async stop(): Promise<void> {
    this.server?.forceShutdown();
    this.server = undefined;
  }

  /** The next write is refused with not-leader, naming `leader` as the node to go to. */
  answerNotLeaderOnce(leader: { host: string; port: number }): void {
    this.notLeaderOnce = leader;
  }

  /** The next unary append to a stream whose name starts with `prefix` is stored, then the server stops unanswered. */
  stopAfterStoringNextAppendTo(prefix: string): void {
    this.stopAfterStoringTo = prefix;
  }

  private count(method: string): true {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    return true;
  }

  private takeNotLeader(): grpc.ServiceError | undefined {
    const leader = this.notLeaderOnce;
    if (!leader) return undefined;
    this.notLeaderOnce = undefined;
    const metadata = new grpc.Metadata();
    metadata.set('exception', 'not-leader');
    metadata.set('leader-endpoint-host', leader.host);
    metadata.set('leader-endpoint-port', String(leader.port));
    return Object.assign(new Error('Leader info available'), {
      code: grpc.status.NOT_FOUND,
      details: 'Leader info available',
      metadata,
    });
  }

  private append(
    call: grpc.ServerReadableStream<AppendReqMessage, AppendRespMessage>,
    callback: grpc.sendUnaryData<AppendRespMessage>,
  ): void {
    let streamId = '';
    let expected: Expected = { kind: 'any' };
    const events: ProposedEvent[] = [];
    call.on('data', (request: AppendReqMessage) => {
      const options = request.getOptions();
      if (options) {
        streamId = streamName(options.getStreamIdentifier());
        expected = options.hasRevision()
          ? { kind: 'revision', revision: BigInt(options.getRevision()) }
          : options.hasNoStream()
            ? { kind: 'no_stream' }
            : options.hasStreamExists()
              ? { kind: 'stream_exists' }
              : { kind: 'any' };
      }
      const message = request.getProposedMessage();
      if (message) events.push(proposed(message));
    });
    call.on('end', () => {
      const notLeader = this.takeNotLeader();
      if (notLeader) return callback(notLeader);
      const outcome = this.log.append(streamId, events, expected);
      if (this.stopAfterStoringTo !== undefined && streamId.startsWith(this.stopAfterStoringTo)) {
        this.stopAfterStoringTo = undefined;
        return void this.stop();
      }
      const response = new AppendResp();
      if (outcome.ok) {
        const success = new AppendResp.Success();
        if (outcome.currentRevision === -1n) success.setNoStream(new Empty());
        else success.setCurrentRevision(outcome.currentRevision.toString());
        const position = new AppendResp.Position();
        position.setCommitPosition(outcome.commit.toString());
        position.setPreparePosition(outcome.prepare.toString());
        success.setPosition(position);
        response.setSuccess(success);
      } else {
        const wrong = new AppendResp.WrongExpectedVersion();
        if (outcome.currentRevision === 'no_stream') wrong.setCurrentNoStream(new Empty());
        else wrong.setCurrentRevision(outcome.currentRevision.toString());
        setExpected(wrong, outcome.expected);
        response.setWrongExpectedVersion(wrong);
      }
      callback(null, response);
    });
  }

  private batchAppend(call: grpc.ServerDuplexStream<BatchAppendReqMessage, BatchAppendRespMessage>): void {
    const pending = new Map<
      string,
      { streamId: string; expected: Expected; events: ProposedEvent[]; correlation: UUIDMessage }
    >();
    call.on('data', (request: BatchAppendReqMessage) => {
      const correlation = request.getCorrelationId()!;
      const key = correlation.getString();
      const options = request.getOptions();
      const batch = pending.get(key) ?? {
        streamId: streamName(options?.getStreamIdentifier()),
        expected: batchExpected(options),
        events: [],
        correlation,
      };
      pending.set(key, batch);
      for (const message of request.getProposedMessagesList()) batch.events.push(proposed(message));
      if (!request.getIsFinal()) return;
      pending.delete(key);
      const notLeader = this.takeNotLeader();
      if (notLeader) return void call.emit('error', notLeader);
      call.write(this.batchResult(batch.streamId, batch.events, batch.expected, batch.correlation));
    });
    call.on('end', () => call.end());
  }

  private batchResult(
    streamId: string,
    events: ProposedEvent[],
    expected: Expected,
    correlation: UUIDMessage,
  ): BatchAppendRespMessage {
    const outcome = this.log.append(streamId, events, expected);
    const response = new BatchAppendResp();
    response.setCorrelationId(correlation);
    response.setStreamIdentifier(identifier(streamId));
    if (outcome.ok) {
      const success = new BatchAppendResp.Success();
      success.setCurrentRevision(outcome.currentRevision.toString());
      const position = new AllStreamPosition();
      position.setCommitPosition(outcome.commit.toString());
      position.setPreparePosition(outcome.prepare.toString());
      success.setPosition(position);
      response.setSuccess(success);
    } else {
      const wrong = new WrongExpectedVersion();
      if (outcome.currentRevision === 'no_stream') wrong.setCurrentNoStream(new ProtobufEmpty());
      else wrong.setCurrentStreamRevision(outcome.currentRevision.toString());
      if (outcome.expected.kind === 'revision') wrong.setExpectedStreamPosition(outcome.expected.revision.toString());
      else if (outcome.expected.kind === 'no_stream') wrong.setExpectedNoStream(new ProtobufEmpty());
      else if (outcome.expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new ProtobufEmpty());
      else wrong.setExpectedAny(new ProtobufEmpty());
      const details = new Any();
      details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
      const status = new Status();
      status.setCode(9 /* FAILED_PRECONDITION */);
      status.setMessage('WrongExpectedVersion');
      status.setDetails(details);
      response.setError(status);
    }
    return response;
  }

  private supportedMethods(callback: grpc.sendUnaryData<never>): void {
    const methods = new SupportedMethods();
    methods.setEventStoreServerVersion('24.10.0-wire-test');
    const method = (service: string, name: string) => {
      const m = new SupportedMethod();
      m.setServiceName(service);
      m.setMethodName(name);
      return m;
    };
    const list = [
      method('event_store.client.streams.streams', 'read'),
      method('event_store.client.streams.streams', 'append'),
    ];
    if (this.options.batchAppend) list.push(method('event_store.client.streams.streams', 'batchappend'));
    methods.setMethodsList(list);
    callback(null, methods as never);
  }

  private gossip(callback: grpc.sendUnaryData<never>): void {
    const member = new MemberInfo();
    const id = new UUID();
    id.setString('4a4c2a8e-3f1b-4c44-9d6a-5d1b2f0e7c11');
    member.setInstanceId(id);
    member.setTimeStamp(String(Date.now() * 10_000));
    member.setState(MemberInfo.VNodeState.LEADER);
    member.setIsAlive(true);
    const endpoint = new EndPoint();
    endpoint.setAddress('127.0.0.1');
    endpoint.setPort(this.port);
    member.setHttpEndPoint(endpoint);
    const info = new ClusterInfo();
    info.setMembersList([member]);
    callback(null, info as never);
  }
}

function unimplemented(_call: unknown, callback: grpc.sendUnaryData<never>): void {
  callback({ code: grpc.status.UNIMPLEMENTED, details: 'not served by the wire-level test server' });
}

export function streamName(id: StreamIdentifierMessage | undefined): string {
  return id ? Buffer.from(id.getStreamName_asU8()).toString('utf8') : '';
}

export function identifier(streamId: string): StreamIdentifierMessage {
  const id = new StreamIdentifier();
  id.setStreamName(Buffer.from(streamId, 'utf8'));
  return id;
}

interface ProposedMessageLike {
  getId(): UUIDMessage | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

function proposed(message: ProposedMessageLike): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    eventId: message.getId()!.getString(),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function batchExpected(options: ReturnType<BatchAppendReqMessage['getOptions']>): Expected {
  if (!options) return { kind: 'any' };
  if (options.hasStreamPosition()) return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function setExpected(wrong: InstanceType<typeof AppendResp.WrongExpectedVersion>, expected: Expected): void {
  if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
}

export type { LogRecord };
