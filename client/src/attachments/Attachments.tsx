import {
  type Attachment,
  addAttachment,
  readAttachments,
  removeAttachment,
} from '@grassroots/shared';
import { createResource, createSignal, For, type JSX, Show } from 'solid-js';
import type * as Y from 'yjs';
import { Sentence } from '../components/Sentence.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { formatBeijingDateTime } from '../i18n/time.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { createAttachments } from './createAttachments.ts';
import { DeviceFullError } from './makeBlobService.ts';
import { PrepareError, prepareFile } from './prepareFile.ts';

/**
 * Photos and PDFs of a record, an entry or a task: taken or picked with no network, shrunk on
 * the device, shown at once from the device, uploaded when the network comes (ATT-1..3).
 */
export function Attachments(props: {
  doc: Y.Doc;
  /** An entry or task id; null for the whole record. */
  target: string | null;
  canEdit: boolean;
  by: { name: string; memberId: string };
}): JSX.Element {
  const { t, errorText } = useI18n();
  const ws = useWorkspace();
  const list = createAttachments(props.doc, () => props.target);
  /** What went wrong, put into words when shown (so it follows a change of language). */
  const [problem, setProblem] = createSignal<(() => string) | null>(null);
  const [isBusy, setBusy] = createSignal(false);

  const add = async (input: HTMLInputElement) => {
    const files = [...(input.files ?? [])];
    input.value = '';
    setProblem(null);
    setBusy(true);
    try {
      for (const file of files) {
        const ready = await prepareFile(file);
        // The bytes first: a record never names a file the device did not keep (BLOB-C2).
        await ws.blobs.keep(ready);
        addAttachment(props.doc, {
          target: props.target,
          hash: ready.hash,
          type: ready.type,
          size: ready.size,
          width: ready.width,
          height: ready.height,
          name: ready.name,
          addedBy: props.by,
        });
      }
    } catch (error) {
      if (error instanceof PrepareError) setProblem(() => () => t(error.reason, error.params));
      else if (error instanceof DeviceFullError) setProblem(() => () => t('att.deviceFull'));
      else setProblem(() => () => errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const Picker = (p: { label: string; capture?: boolean; accept: string }) => (
    <label class="btn small att-pick">
      {p.label}
      <input
        type="file"
        class="sr-only"
        accept={p.accept}
        {...(p.capture ? { capture: 'environment' } : {})}
        multiple={!p.capture}
        disabled={isBusy()}
        onChange={(e) => void add(e.currentTarget)}
      />
    </label>
  );

  return (
    <section class="attachments" aria-label={t('att.title')}>
      <h3 class="att-title">{t('att.title')}</h3>
      <Show when={list().length > 0} fallback={<p class="muted small">{t('att.none')}</p>}>
        <ul class="att-list">
          <For each={list()}>
            {(a) => <AttachmentItem attachment={a} doc={props.doc} canEdit={props.canEdit} />}
          </For>
        </ul>
      </Show>
      <Show when={props.canEdit}>
        <div class="btn-row att-actions">
          <Picker label={t('att.takePhoto')} capture accept="image/*" />
          <Picker label={t('att.pickFile')} accept="image/*,application/pdf" />
        </div>
      </Show>
      <Show when={isBusy()}>
        <p class="muted small" aria-live="polite">
          {t('att.preparing')}
        </p>
      </Show>
      <Show when={problem()}>
        {(words) => (
          <p class="att-problem" role="alert">
            {words()()}
          </p>
        )}
      </Show>
    </section>
  );
}

function AttachmentItem(props: { attachment: Attachment; doc: Y.Doc; canEdit: boolean }) {
  const { t, errorText } = useI18n();
  const ws = useWorkspace();
  const a = () => props.attachment;
  const [url] = createResource(
    () => a().hash,
    (hash) => ws.blobs.url(hash),
  );
  const isWaiting = () => ws.pendingUploads().has(a().hash);
  /** BLOB-C4: the relay's answer when it refused this file at its last try. */
  const refusal = () => (isWaiting() ? ws.uploadRefusals().get(a().hash) : undefined);
  const isImage = () => a().type.startsWith('image/');
  return (
    <li class="att-item" data-hash={a().hash} data-waiting={isWaiting() ? 'true' : 'false'}>
      <Show
        when={url()}
        fallback={
          <span class="att-thumb att-missing">
            <Show when={!url.loading}>{t('att.notOnDevice')}</Show>
          </span>
        }
      >
        {(src) => (
          <Show
            when={isImage()}
            fallback={
              <a
                class="att-thumb att-pdf"
                href={src()}
                download={a().name}
                title={t('att.openPdf')}
              >
                PDF
              </a>
            }
          >
            <a class="att-thumb" href={src()} target="_blank" rel="noopener">
              <img
                src={src()}
                alt={a().name}
                width={a().width ?? undefined}
                height={a().height ?? undefined}
                loading="lazy"
              />
            </a>
          </Show>
        )}
      </Show>
      <span class="att-meta small">
        <bdi class="att-name" dir="auto">
          {a().name}
        </bdi>
        <span class="muted">
          <Sentence
            template={t('att.addedBy')}
            params={{ name: a().addedBy?.name ?? '', time: formatBeijingDateTime(a().addedAt) }}
          />
        </span>
        <Show when={isWaiting()}>
          <span class="tag att-waiting" classList={{ 'att-refused': refusal() !== undefined }}>
            {refusal() ? t('att.refused') : t('att.waiting')}
          </span>
        </Show>
        <Show when={refusal()}>{(why) => <span class="att-refusal">{errorText(why())}</span>}</Show>
      </span>
      <Show when={props.canEdit}>
        <button
          type="button"
          class="btn small att-remove"
          aria-label={t('att.removeLabel', { name: a().name })}
          onClick={() => {
            const hash = a().hash;
            removeAttachment(props.doc, a().id);
            // Another attachment of this record may hold the same file.
            if (!readAttachments(props.doc).some((other) => other.hash === hash)) {
              void ws.blobs.unlist(hash);
            }
          }}
        >
          {t('att.remove')}
        </button>
      </Show>
    </li>
  );
}
