// Webhooks: create with an event filter and secret (shown once), edit, enable/disable, test ping, delete; the latest delivery's status.
import { useState } from 'preact/hooks';
import { formatDateTime } from '../format.ts';
import { usePoll } from '../use-poll.ts';
import { SecretOnce } from './secret-once.tsx';
import { createWebhook, deleteWebhook, fetchWebhooks, pingWebhook, updateWebhook, type WebhookRecord } from './settings-api.ts';
import { useRowAction } from './use-row-action.tsx';
import { WebhookForm } from './webhook-form.tsx';

const NEW_WEBHOOK = { url: '', description: '', events: ['*'], enabled: true, secret: '' };

export function WebhooksSection() {
  const hooks = usePoll(fetchWebhooks, [], 5000);
  const action = useRowAction(hooks.reload);
  const [secret, setSecret] = useState<string | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  return (
    <>
      <section class="panel">
        <header class="panel__header">
          <h2>New webhook</h2>
        </header>
        <p class="panel__note">Ampyard POSTs matching events as JSON, signed with the secret (HMAC-SHA256 in the X-Ampyard-Signature header), and retries failed deliveries.</p>
        <WebhookForm
          initial={NEW_WEBHOOK}
          idPrefix="webhook-new"
          submitLabel="Add webhook"
          onSave={async (values) => {
            setSecret((await createWebhook(values)).secret);
            hooks.reload();
          }}
        />
        {secret && <SecretOnce label="The webhook's signing secret." secret={secret} testId="webhook-secret" onDone={() => setSecret(null)} />}
      </section>
      <section class="panel" data-testid="webhooks-section">
        <header class="panel__header">
          <h2>Webhooks</h2>
        </header>
        {action.view}
        {hooks.data?.items.length === 0 && <p class="empty">No webhooks yet.</p>}
        {hooks.data?.items.map((hook) =>
          editing === hook.id ? (
            <WebhookForm
              key={hook.id}
              initial={{ url: hook.url, description: hook.description, events: hook.events, enabled: hook.enabled, secret: '' }}
              idPrefix={`webhook-${hook.id}`}
              submitLabel="Save"
              onCancel={() => setEditing(null)}
              onSave={async (values) => {
                await updateWebhook(hook.id, values);
                setEditing(null);
                hooks.reload();
              }}
            />
          ) : (
            <WebhookRow key={hook.id} hook={hook} onEdit={() => setEditing(hook.id)} run={action.run} />
          ),
        )}
      </section>
    </>
  );
}

function WebhookRow({ hook, onEdit, run }: { hook: WebhookRecord; onEdit: () => void; run: (work: () => Promise<unknown>, done?: string) => void }) {
  const last = hook.lastDelivery;
  return (
    <div class="webhook-row" data-testid="webhook-row" data-url={hook.url}>
      <div>
        <strong class="mono">{hook.url}</strong> {!hook.enabled && <span class="tag tag--blocked">disabled</span>}
        <div class="muted">
          {hook.description && `${hook.description} · `}
          {hook.events.includes('*') ? 'all events' : hook.events.join(', ')}
        </div>
        <div class="muted" data-testid="webhook-delivery">
          {last ? (
            <>
              Last delivery: <span class={`tag tag--${last.status === 'delivered' ? 'accepted' : last.status === 'pending' ? 'expired' : 'blocked'}`}>{last.status}</span>
              {last.responseStatus !== null && ` HTTP ${last.responseStatus}`} at {formatDateTime(last.at)}
            </>
          ) : (
            'No deliveries yet'
          )}
          {hook.pending > 0 && ` · ${hook.pending} waiting`}
          {hook.dropped > 0 && ` · ${hook.dropped} dropped`}
        </div>
      </div>
      <div class="cell-actions">
        <button class="button button--quiet" onClick={onEdit}>
          Edit
        </button>
        <button class="button button--quiet" onClick={() => run(() => updateWebhook(hook.id, { enabled: !hook.enabled }), hook.enabled ? 'Webhook disabled.' : 'Webhook enabled.')}>
          {hook.enabled ? 'Disable' : 'Enable'}
        </button>
        <button class="button button--quiet" onClick={() => run(() => pingWebhook(hook.id), 'Test event queued; its delivery shows here shortly.')}>
          Send test
        </button>
        <button class="button button--quiet" onClick={() => confirm(`Delete the webhook to ${hook.url}?`) && run(() => deleteWebhook(hook.id), 'Webhook deleted.')}>
          Delete
        </button>
      </div>
    </div>
  );
}
