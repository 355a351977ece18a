/** Proof: the Merkle tree over the log, its digest and the inclusion and consistency proofs. */
import { Module } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { IntegrityController } from './integrity.controller.js';
import { IntegrityService } from './integrity.service.js';

@Module({
  controllers: [IntegrityController],
  providers: [
    { provide: IntegrityService, useFactory: (s: EventStore) => new IntegrityService(s), inject: [EVENT_STORE] },
  ],
  exports: [IntegrityService],
})
export class IntegrityModule {}
