import { describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../context.js';
import { alertTriggerSchema, compileTrigger } from './alert-rule.js';

const event = (over: Partial<ConsoleEvent>): ConsoleEvent => ({ type: 'finding.new', at: '2026-12-05T00:00:00Z', summary: 's', detail: {}, ...over });
const image = (repositories: string[], environment: string | null = 'prod') => ({ digest: 'sha256:1', repositories, environment });
const trigger = (raw: unknown) => compileTrigger(alertTriggerSchema.parse(raw));

describe('alert triggers', () => {
  it('filters findings by minimum severity (default critical)', () => {
    const critical = trigger({ events: [{ type: 'finding.new' }] });
    expect(critical(event({ severity: 'critical' }))).toBe(true);
    expect(critical(event({ severity: 'high' }))).toBe(false);
    expect(critical(event({}))).toBe(false);
    const high = trigger({ events: [{ type: 'finding.new', minSeverity: 'high' }] });
    expect(['critical', 'high', 'medium', 'unknown'].map((severity) => high(event({ severity })))).toEqual([true, true, false, false]);
    expect(high(event({ type: 'finding.resolved', severity: 'critical' }))).toBe(false);
  });

  it('counts verdict changes only to the verdicts named (default block)', () => {
    const toBlock = trigger({ events: [{ type: 'verdict.changed' }] });
    expect(toBlock(event({ type: 'verdict.changed', detail: { from: 'allow', to: 'block' } }))).toBe(true);
    expect(toBlock(event({ type: 'verdict.changed', detail: { from: 'block', to: 'allow' } }))).toBe(false);
    const anyWarn = trigger({ events: [{ type: 'verdict.changed', to: ['warn', 'allow'] }] });
    expect(anyWarn(event({ type: 'verdict.changed', detail: { from: 'block', to: 'allow' } }))).toBe(true);
  });

  it('limits scoped rules to images in scope, and leaves image-less events out of them', () => {
    const scoped = trigger({ events: [{ type: 'finding.new' }, { type: 'health.problem' }], scope: { images: ['registry.example.com/pay/*'], environments: ['prod'] } });
    expect(scoped(event({ severity: 'critical', image: image(['registry.example.com/pay/api']) }))).toBe(true);
    expect(scoped(event({ severity: 'critical', image: image(['registry.example.com/pay/api/sub']) }))).toBe(false);
    expect(scoped(event({ severity: 'critical', image: image(['other/x', 'registry.example.com/pay/web']) }))).toBe(true);
    expect(scoped(event({ severity: 'critical', image: image(['registry.example.com/pay/api'], 'dev') }))).toBe(false);
    expect(scoped(event({ severity: 'critical', image: image(['registry.example.com/pay/api'], null) }))).toBe(false);
    expect(scoped(event({ type: 'health.problem' }))).toBe(false);
    expect(trigger({ events: [{ type: 'health.problem' }] })(event({ type: 'health.problem' }))).toBe(true);
  });

  it('refuses unknown event types, unknown keys and globs that do not compile', () => {
    expect(alertTriggerSchema.safeParse({ events: [{ type: 'finding.maybe' }] }).success).toBe(false);
    expect(alertTriggerSchema.safeParse({ events: [{ type: 'health.problem', minSeverity: 'high' }] }).success).toBe(false);
    expect(alertTriggerSchema.safeParse({ events: [{ type: 'health.problem' }], scope: { images: ['a/[b'] } }).success).toBe(false);
    expect(alertTriggerSchema.safeParse({ events: [] }).success).toBe(false);
  });
});
