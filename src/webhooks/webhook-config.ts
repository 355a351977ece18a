/**
 * Webhook settings from the environment, checked at start-up like the rest of
 * the configuration (a bad value names its variable):
 *
 * - LEDGER_WEBHOOK_ALLOW: hosts, addresses or CIDR ranges in private networks
 *   that endpoints may target anyway (comma-separated; `*` allows every
 *   address). Default: none, so only public addresses are reached.
 * - LEDGER_WEBHOOK_RETRY_SCHEDULE: the pauses before each retry, e.g.
 *   `5s,30s,2m,10m,30m,1h,2h,4h,8h,8h` (the default: about 24 hours in all).
 * - LEDGER_WEBHOOK_TIMEOUT: how long one attempt may take (default 15s).
 */
import { ConfigError } from '../config.js';
import { AllowList } from './url-policy.js';

export interface WebhookConfig {
  allow: AllowList;
  /** Pause before retry n (ms), before jitter. Its length is the number of retries. */
  retryScheduleMs: number[];
  timeoutMs: number;
  /** Each pause is scaled by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
  /** After a worker failed (the store unreachable), how long before it starts again from its stored state. */
  workerRestartMs: number;
}

export const DEFAULT_RETRY_SCHEDULE = '5s,30s,2m,10m,30m,1h,2h,4h,8h,8h';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(variable: string, text: string): number {
  const match = /^(\d{1,9})(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new ConfigError(variable, `"${text}" is not a duration such as 250ms, 5s, 10m or 2h`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

export function loadWebhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  const schedule = (env.LEDGER_WEBHOOK_RETRY_SCHEDULE || DEFAULT_RETRY_SCHEDULE)
    .split(',')
    .map((d) => parseDuration('LEDGER_WEBHOOK_RETRY_SCHEDULE', d));
  return {
    allow: AllowList.parse(env.LEDGER_WEBHOOK_ALLOW ?? ''),
    retryScheduleMs: schedule,
    timeoutMs: parseDuration('LEDGER_WEBHOOK_TIMEOUT', env.LEDGER_WEBHOOK_TIMEOUT || '15s'),
    jitter: 0.2,
    workerRestartMs: 5_000,
  };
}

/** The pause before the retry that follows `failedAttempts` failures, with jitter; undefined when retries ran out. */
export function retryDelayMs(
  config: Pick<WebhookConfig, 'retryScheduleMs' | 'jitter'>,
  failedAttempts: number,
  random = Math.random,
): number | undefined {
  const base = config.retryScheduleMs[failedAttempts - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (1 - config.jitter + 2 * config.jitter * random()));
}
