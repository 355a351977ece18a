/** Investigation: replay, explanations and reports, read from the read model and proven against the log. */
import { Module } from '@nestjs/common';
import { IntegrityModule } from '../integrity/integrity.module.js';
import { QueriesModule } from '../queries/queries.module.js';
import { InvestigationsController } from './investigations.controller.js';

@Module({ imports: [QueriesModule, IntegrityModule], controllers: [InvestigationsController] })
export class InvestigationsModule {}
