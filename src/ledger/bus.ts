/**
 * The CQRS wiring: one bus command class and one @CommandHandler per ledger
 * command. Every handler does the same thing (load, decide, append), so the
 * classes are generated from the command list and delegate to CommandExecutor.
 */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_TYPES, type CommandType } from '../domain/messages.js';
import { CommandExecutor, type CommandContext, type CommandOutcome } from './command-executor.js';
import type { ParsedCommand } from './parse-command.js';

export abstract class LedgerBusCommand extends Command<CommandOutcome> {
  constructor(
    readonly parsed: ParsedCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

type BusCommandClass = new (parsed: ParsedCommand, context: CommandContext) => LedgerBusCommand;

function named<T extends object>(target: T, name: string): T {
  Object.defineProperty(target, 'name', { value: name });
  return target;
}

const BUS_COMMANDS = Object.fromEntries(
  COMMAND_TYPES.map((type) => [type, named(class extends LedgerBusCommand {}, `${type}Command`)]),
) as Record<CommandType, BusCommandClass>;

export const COMMAND_HANDLERS = COMMAND_TYPES.map((type) => {
  @CommandHandler(BUS_COMMANDS[type])
  class Handler implements ICommandHandler<LedgerBusCommand, CommandOutcome> {
    constructor(@Inject(CommandExecutor) private readonly executor: CommandExecutor) {}

    execute(command: LedgerBusCommand): Promise<CommandOutcome> {
      return this.executor.execute(command.parsed, command.context);
    }
  }
  return named(Handler, `${type}Handler`);
});

export function busCommand(parsed: ParsedCommand, context: CommandContext): LedgerBusCommand {
  return new BUS_COMMANDS[parsed.command.type](parsed, context);
}
