import { DomainError } from '../../../core/src';
import { webhookDecider, type WebhookState } from './webhook.decider';
import type { WebhookEvent } from './webhook.events';

const NOW = '2025-03-01T10:00:00.000Z';
const TENANT = 'tenant-a';

function given(events: WebhookEvent[]): WebhookState {
  return events.reduce(webhookDecider.evolve, webhookDecider.initialState);
}

const registered: WebhookEvent = {
  type: 'WebhookRegistered',
  data: {
    webhookId: 'w1',
    partnerTenantId: TENANT,
    url: 'https://hooks.example.com/x',
    eventTypes: ['subscription.purchased'],
    description: '',
    secretId: 's1',
    registeredAt: NOW,
  },
};

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}

describe('webhook decider', () => {
  it('R-HOOK-1: registers a URL with its event types; the event names the secret by id only', () => {
    const events = webhookDecider.decide(
      { type: 'RegisterWebhook', webhookId: 'w1', partnerTenantId: TENANT, url: 'https://hooks.example.com/x', eventTypes: ['subscription.purchased'], description: '', secretId: 's1', now: NOW },
      given([]),
    );
    expect(events).toEqual([registered]);
    expect(JSON.stringify(events)).not.toContain('whsec_');
    expect(refusal(() => webhookDecider.decide({ type: 'RegisterWebhook', ...registered.data, now: NOW } as never, given([registered]))).code).toBe(
      'webhook-already-exists',
    );
  });

  it('rotates the secret and keeps the previous one valid for 24 hours', () => {
    const [event] = webhookDecider.decide({ type: 'RotateWebhookSecret', webhookId: 'w1', partnerTenantId: TENANT, secretId: 's2', now: NOW }, given([registered]));
    expect(event).toEqual({
      type: 'WebhookSecretRotated',
      data: { webhookId: 'w1', partnerTenantId: TENANT, secretId: 's2', previousSecretId: 's1', previousSecretValidUntil: '2025-03-02T10:00:00.000Z', rotatedAt: NOW },
    });
    const state = given([registered, event]);
    expect(state).toMatchObject({ secretId: 's2', previousSecretId: 's1' });
  });

  it('R-TENANT-1: another tenant\'s or a deleted webhook does not exist for the caller', () => {
    expect(refusal(() => webhookDecider.decide({ type: 'DeleteWebhook', webhookId: 'w1', partnerTenantId: 'tenant-b', now: NOW }, given([registered]))).code).toBe(
      'not-found',
    );
    const deleted: WebhookEvent = { type: 'WebhookDeleted', data: { webhookId: 'w1', partnerTenantId: TENANT, deletedAt: NOW } };
    expect(
      refusal(() => webhookDecider.decide({ type: 'RotateWebhookSecret', webhookId: 'w1', partnerTenantId: TENANT, secretId: 's3', now: NOW }, given([registered, deleted])))
        .code,
    ).toBe('not-found');
  });

  it('a 410 disables an active webhook once; later ones change nothing', () => {
    const command = { type: 'DisableWebhook' as const, webhookId: 'w1', deliveryId: 'd1', statusCode: 410, now: NOW };
    const events = webhookDecider.decide(command, given([registered]));
    expect(events).toEqual([
      { type: 'WebhookDisabled', data: { webhookId: 'w1', partnerTenantId: TENANT, reason: 'gone', deliveryId: 'd1', statusCode: 410, disabledAt: NOW } },
    ]);
    expect(webhookDecider.decide(command, given([registered, ...events]))).toEqual([]);
    expect(webhookDecider.decide(command, given([]))).toEqual([]);
  });
});
