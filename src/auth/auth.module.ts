/** Stream tickets: short-lived tokens an EventSource can carry in place of an Authorization header. */
import { Module } from '@nestjs/common';
import { TicketsController } from './tickets.controller.js';

@Module({ controllers: [TicketsController] })
export class AuthModule {}
