/** What an alert delivery carries (alert_deliveries.payload): the rule that matched and the event. */
import type { ConsoleEvent } from '../context.js';

export interface AlertPayload {
  readonly rule: { readonly id: string; readonly name: string };
  readonly event: ConsoleEvent;
}
