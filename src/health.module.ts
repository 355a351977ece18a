/** Liveness and readiness, for operators and load balancers. */
import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { QueriesModule } from './queries/queries.module.js';

@Module({ imports: [QueriesModule], controllers: [HealthController] })
export class HealthModule {}
