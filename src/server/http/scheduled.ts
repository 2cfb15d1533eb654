import { ConfigError, getConfig } from '../config.ts';
import { classifyStoreError } from '../store/unavailable.ts';
import { logConfigRefusal } from './handler.ts';

/** A job run on a schedule; resolves to a one-line summary for the log. */
export type ScheduledTask = () => Promise<string>;

/**
 * Wraps a job as a Netlify Scheduled Function (v2, `config.schedule`; Netlify
 * posts `{"next_run": ...}` and ignores the answer). The job's summary is
 * logged; a refused configuration or an unreachable store is one log line and
 * a 503, any other failure a logged 500, so the next run simply tries again.
 */
export function defineScheduledTask(name: string, task: ScheduledTask) {
  return async (_req: Request): Promise<Response> => {
    try {
      getConfig();
      const summary = await task();
      console.log(`${name}: ${summary}`);
      return new Response(`${summary}\n`, { status: 200 });
    } catch (error) {
      if (error instanceof ConfigError) {
        logConfigRefusal(error);
        return new Response('configuration refused\n', { status: 503 });
      }
      const unavailable = classifyStoreError(error);
      if (unavailable) {
        console.error(`${name}: store unavailable (${unavailable.reason}): ${unavailable.message}`);
        return new Response('store unavailable\n', { status: 503 });
      }
      console.error(`${name} failed:`, error);
      return new Response('failed\n', { status: 500 });
    }
  };
}
