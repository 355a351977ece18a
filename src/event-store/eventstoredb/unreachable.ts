/** Start-up stops with this when EventStoreDB cannot be reached: light to import, so the CLI can name it without the client. */
export class EventStoreUnreachableError extends Error {
  constructor(connectionString: string, cause: unknown) {
    super(
      `cannot reach EventStoreDB at EVENTSTORE_CONNECTION_STRING=${connectionString}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'EventStoreUnreachableError';
  }
}
