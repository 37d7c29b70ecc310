import { createEffect, createUniqueId, type JSX } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';

/**
 * A modal question with Cancel and one action, on the native `<dialog>`: focus moves into it and
 * Escape cancels, with a keyboard as with a finger.
 */
export function ConfirmDialog(props: {
  isOpen: boolean;
  /** Text or markup (a `Sentence` that sets a name apart). */
  title: JSX.Element;
  message: JSX.Element;
  confirmLabel: string;
  isBusy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const titleId = createUniqueId();
  const messageId = createUniqueId();
  let el!: HTMLDialogElement;
  createEffect(() => {
    if (props.isOpen && !el.open) el.showModal();
    else if (!props.isOpen && el.open) el.close();
  });
  return (
    <dialog
      ref={el}
      class="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={messageId}
      onCancel={(e) => {
        e.preventDefault();
        if (!props.isBusy) props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <p class="confirm-message" id={messageId}>
        {props.message}
      </p>
      <div class="btn-row dialog-actions">
        <button type="button" class="btn" disabled={props.isBusy} onClick={() => props.onCancel()}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          class="btn primary"
          disabled={props.isBusy}
          onClick={() => props.onConfirm()}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
