import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { createOpRunner, OpError } from '../components/fields.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import {
  addService,
  archiveService,
  renameService,
  SERVICE_KINDS,
  type Service,
  type ServiceKind,
  serviceLabel,
} from '../model/domain.ts';
import { createWorkspaceData } from '../projection/createWorkspaceData.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

/**
 * The workspace's "8+1" list (一线惠民服务8+1): the benefit policies handed down and the village's
 * own livelihood projects, as workspace data. Admins add, rename and retire services; a retired
 * service leaves the task pickers but still shows on the tasks linked to it (SVC-2).
 */
export function ServicesView(): JSX.Element {
  const { t, label, locale } = useI18n();
  const ws = useWorkspace();
  const op = createOpRunner();
  const isAdmin = () => ws.can('manageMembers');
  const workspace = createWorkspaceData(ws.sync, ws.index);
  /** How many plan tasks link each service, so a retirement's reach is visible. */
  const linkedTasks = createMemo(() => {
    const counts = new Map<string, number>();
    for (const { data } of workspace().data.plans) {
      for (const task of [...data.phases.flatMap((p) => p.tasks), ...data.unassigned]) {
        if (task.serviceId) counts.set(task.serviceId, (counts.get(task.serviceId) ?? 0) + 1);
      }
    }
    return counts;
  });
  const active = () => ws.index.services.filter((s) => !s.archived);
  const retired = () => ws.index.services.filter((s) => s.archived);
  const [name, setName] = createSignal('');
  const [kind, setKind] = createSignal<ServiceKind>('livelihood');

  const Row = (p: { service: Service }): JSX.Element => {
    const s = p.service;
    /** The name as this reader sees it: a default one in their language (SVC-3). */
    const shown = () => serviceLabel(s, locale());
    return (
      <li class="service-row" data-service-id={s.id} data-archived={s.archived ? 'true' : 'false'}>
        <Show
          when={isAdmin()}
          fallback={
            <strong class="service-name">
              <bdi>{shown()}</bdi>
            </strong>
          }
        >
          {/* The admin edits the stored name; in another language its reading is shown under it. */}
          <div class="service-name-edit">
            <input
              dir="auto"
              class="service-name-input"
              name="serviceName"
              aria-label={t('svc.renameNamed', { name: s.name })}
              maxLength={200}
              value={s.name}
              onChange={(e) => {
                const v = e.currentTarget.value;
                op.run(() => renameService(ws.sync.indexDoc, s.id, v));
                if (!v.trim()) e.currentTarget.value = s.name;
              }}
            />
            <Show when={shown() !== s.name}>
              <bdi class="small muted service-name-shown">{shown()}</bdi>
            </Show>
          </div>
        </Show>
        <span class="tag">{label('serviceKind', s.kind)}</span>
        <span class="small muted service-tasks">
          {t('svc.linkedTasks', { n: linkedTasks().get(s.id) ?? 0 })}
        </span>
        <Show when={isAdmin()}>
          <button
            type="button"
            class="btn small"
            onClick={() => op.run(() => archiveService(ws.sync.indexDoc, s.id, !s.archived))}
          >
            {s.archived ? t('svc.restore') : t('svc.retire')}
          </button>
        </Show>
      </li>
    );
  };

  return (
    <>
      <h1>{t('svc.title')}</h1>
      <p class="small muted">{t('svc.hint')}</p>
      <Show when={!isAdmin()}>
        <p class="banner readonly-banner">{t('svc.onlyAdmin')}</p>
      </Show>
      <OpError op={op} />
      <section class="panel" aria-labelledby="svc-active">
        <h2 id="svc-active">{t('svc.active', { n: active().length })}</h2>
        <ul class="plain-list service-list">
          <For each={active()}>{(s) => <Row service={s} />}</For>
        </ul>
        <Show when={isAdmin()}>
          <form
            class="form service-add"
            onSubmit={(e) => {
              e.preventDefault();
              const text = name().trim();
              if (!text) return;
              op.run(() => addService(ws.sync.indexDoc, { name: text, kind: kind() }));
              setName('');
            }}
          >
            <div class="fields">
              <label class="field">
                <span>{t('svc.newName')}</span>
                <input
                  dir="auto"
                  name="newService"
                  maxLength={200}
                  value={name()}
                  onInput={(e) => setName(e.currentTarget.value)}
                />
              </label>
              <label class="field">
                <span>{t('svc.kind')}</span>
                <select
                  name="newServiceKind"
                  value={kind()}
                  onChange={(e) => setKind(e.currentTarget.value as ServiceKind)}
                >
                  <For each={SERVICE_KINDS}>
                    {(k) => (
                      <option value={k} selected={k === kind()}>
                        {label('serviceKind', k)}
                      </option>
                    )}
                  </For>
                </select>
              </label>
            </div>
            <button type="submit" class="btn">
              {t('svc.add')}
            </button>
          </form>
        </Show>
      </section>
      <Show when={retired().length > 0}>
        <section class="panel" aria-labelledby="svc-retired">
          <h2 id="svc-retired">{t('svc.retired', { n: retired().length })}</h2>
          <p class="small muted">{t('svc.retiredHint')}</p>
          <ul class="plain-list service-list">
            <For each={retired()}>{(s) => <Row service={s} />}</For>
          </ul>
        </section>
      </Show>
    </>
  );
}
