/**
 * The EventStoreDB client's own generated protobuf classes and service
 * definitions. The server must build its messages from this same installed
 * copy: the client's serializers check `instanceof`.
 */
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import featuresPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import featuresGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import gossipPb from '@eventstore/db-client/generated/gossip_pb.js';
import gossipGrpc from '@eventstore/db-client/generated/gossip_grpc_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';

export const { ReadReq, ReadResp, AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } = streamsPb;
export const { StreamsService } = streamsGrpc;
export const { UUID, Empty, StreamIdentifier, AllStreamPosition, WrongExpectedVersion } = sharedPb;
export const { Status } = statusPb;
export const { SupportedMethods, SupportedMethod } = featuresPb;
export const { ServerFeaturesService } = featuresGrpc;
export const { ClusterInfo, MemberInfo, EndPoint } = gossipPb;
export const { GossipService } = gossipGrpc;
export const { Any } = anyPb;
export const ProtobufEmpty = emptyPb.Empty;

export type ReadReqMessage = InstanceType<typeof ReadReq>;
export type ReadRespMessage = InstanceType<typeof ReadResp>;
export type AppendReqMessage = InstanceType<typeof AppendReq>;
export type AppendRespMessage = InstanceType<typeof AppendResp>;
export type BatchAppendReqMessage = InstanceType<typeof BatchAppendReq>;
export type BatchAppendRespMessage = InstanceType<typeof BatchAppendResp>;
export type StreamIdentifierMessage = InstanceType<typeof StreamIdentifier>;
export type UUIDMessage = InstanceType<typeof UUID>;
