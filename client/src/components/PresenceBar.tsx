import { presenceUserSchema } from '@grassroots/shared';
import { createSignal, For, type JSX, onCleanup, Show } from 'solid-js';
import type { Awareness } from 'y-protocols/awareness';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { PresenceUser } from '../sync/WorkspaceSync.ts';
import { Sentence } from './Sentence.tsx';

type Present = { clientId: number; user: PresenceUser; isMe: boolean };

function readPresent(awareness: Awareness): Present[] {
  const out: Present[] = [];
  awareness.getStates().forEach((state, clientId) => {
    const parsed = presenceUserSchema.safeParse((state as { user?: unknown } | null)?.user);
    if (!parsed.success) return;
    const user = parsed.data;
    out.push({
      clientId,
      user: { name: user.name, color: user.color ?? '#555555', memberId: user.memberId ?? '' },
      isMe: clientId === awareness.clientID,
    });
  });
  return out.sort((a, b) => Number(b.isMe) - Number(a.isMe) || a.clientId - b.clientId);
}

/** Who is in this document now: names and colours from awareness. */
export function PresenceBar(props: { awareness: Awareness }): JSX.Element {
  const { t } = useI18n();
  const [present, setPresent] = createSignal(readPresent(props.awareness));
  const onChange = () => setPresent(readPresent(props.awareness));
  props.awareness.on('change', onChange);
  onCleanup(() => props.awareness.off('change', onChange));
  return (
    <section class="presence" aria-label={t('presence.label')}>
      <ul>
        <For each={present()}>
          {(p) => (
            <li class="presence-person" style={{ '--person-color': p.user.color }}>
              <span class="presence-dot" aria-hidden="true" />
              <Show when={p.isMe} fallback={<bdi>{p.user.name}</bdi>}>
                <Sentence template={t('presence.you')} params={{ name: p.user.name }} />
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={present().length <= 1}>
        <span class="muted small">{t('presence.alone')}</span>
      </Show>
    </section>
  );
}
