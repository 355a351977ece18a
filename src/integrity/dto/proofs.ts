/** The integrity routes' answers, as the OpenAPI document states them. */
import { ApiProperty } from '@nestjs/swagger';
import type { ConsistencyProof, InclusionProof } from '../integrity.service.js';
import type { Digest, leafOf } from '../log-integrity.js';

const HEX_HASH = '^[0-9a-f]{64}$';
const DECIMAL = '^[0-9]+$';

export class DigestDto implements Digest {
  @ApiProperty({ description: 'Events in the tree', example: 14 }) treeSize!: number;
  @ApiProperty({ pattern: HEX_HASH, description: 'Hex SHA-256 root (RFC 9162 MTH)' }) rootHash!: string;
  @ApiProperty({ pattern: DECIMAL, description: 'Position of the last event in the tree ("0" for an empty tree)' })
  position!: string;
}

export class LeafDto implements ReturnType<typeof leafOf> {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ type: String, nullable: true, pattern: HEX_HASH, description: "The event's content hash" }) hash!:
    string | null;
  @ApiProperty({ pattern: DECIMAL }) position!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ pattern: DECIMAL }) revision!: string;
  @ApiProperty() streamId!: string;
}

export class InclusionProofDto implements InclusionProof {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() leafIndex!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty({
    type: () => LeafDto,
    description: 'The leaf’s data: RFC 8785 JSON of these fields is what was hashed',
  })
  leaf!: LeafDto;
  @ApiProperty({ type: [String], description: 'Hex hashes, leaf to root' }) auditPath!: string[];
  @ApiProperty({ pattern: HEX_HASH }) rootHash!: string;
}

export class ConsistencyProofDto implements ConsistencyProof {
  @ApiProperty({ type: () => DigestDto }) from!: DigestDto;
  @ApiProperty({ type: () => DigestDto }) to!: DigestDto;
  @ApiProperty({ type: [String], description: 'Hex hashes (RFC 9162 consistency proof)' }) proof!: string[];
}
