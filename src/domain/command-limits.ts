/**
 * How much one command may name. A real measure names hundreds of categories
 * and up to thousands of subjects at once (entity lists run to thousands);
 * past these caps a command is refused with a 400 naming the field and the
 * rule, and a larger measure is recorded through several commands. The caps
 * guard the write path and every answer built from one event; reports stay
 * linear in the history however many categories a measure reaches.
 */
export const MAX_CATEGORIES_PER_COMMAND = 2_000;
export const MAX_SUBJECTS_PER_COMMAND = 10_000;

/**
 * How many commands one batch request may hold. A batch is validated whole
 * before anything is applied, and validation, like deciding, runs on the
 * server's one thread: at 1,000 commands (the size the batch benchmarks use)
 * checking a batch stays within tens of milliseconds, and deciding it runs in
 * chunks that give other requests their turn. A longer list is sent as
 * several batches; `regledger import` reads files of any length.
 */
export const MAX_COMMANDS_PER_BATCH = 1_000;
