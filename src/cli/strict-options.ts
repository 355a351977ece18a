/**
 * Every option of every command read as HTTP reads a query parameter: an
 * empty value (`--at ""`, from an unset variable in a script) is refused,
 * rule `isNotEmpty`, rather than answered as if the option were left out ("as
 * of now", "from the start"); and an option given twice is refused, rule
 * `repeatedParameter`, rather than answered for whichever came last. An
 * option that takes a list (`--subject a b`, or `--subject a --subject b`)
 * gathers every value, none of them empty. Applied once to the whole program,
 * so a command added later is held to the same rules without a check of its
 * own.
 */
import type { Command, Option } from 'commander';
import { LedgerError } from '../errors.js';

export function strictOptions(program: Command): void {
  for (const command of [program, ...descendants(program)])
    for (const option of command.options) if (option.required || option.optional) holdToRules(command, option);
}

function descendants(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...descendants(child)]);
}

function holdToRules(command: Command, option: Option): void {
  const name = option.long ?? option.short ?? option.flags;
  const own = option.parseArg;
  option.argParser((value: string, previous: unknown) => {
    // Set from the command line already: this is a second occurrence.
    if (!option.variadic && command.getOptionValueSource(option.attributeName()) === 'cli')
      throw refused(name, 'repeatedParameter', `${name} is given more than once: give it once`, value);
    if (value === '') throw refused(name, 'isNotEmpty', `${name} is empty: give a value, or leave ${name} out`, value);
    if (own) return own(value, previous);
    if (!option.variadic) return value;
    // As commander gathers a list itself when no parser is set: the default is replaced, not added to.
    return previous === option.defaultValue || !Array.isArray(previous) ? [value] : [...(previous as unknown[]), value];
  });
}

function refused(field: string, rule: string, message: string, value: string): LedgerError {
  return new LedgerError('bad-input', message, [{ field, rule, message, value }]);
}
