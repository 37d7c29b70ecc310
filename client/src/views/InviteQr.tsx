import { type JSX, Show } from 'solid-js';
import { encode } from 'uqr';
import { useI18n } from '../i18n/I18nProvider.tsx';

/** Modules of white around the code: the quiet zone the QR standard asks for. */
const QUIET_ZONE = 4;

/** The dark modules of a QR matrix as one SVG path, one unit per module. */
export function qrPath(modules: readonly (readonly boolean[])[]): string {
  let d = '';
  modules.forEach((row, y) => {
    row.forEach((isDark, x) => {
      if (isDark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  return d;
}

/**
 * An invite link as a QR code (inline SVG, no canvas) big enough to scan from a phone across a
 * table, with the link as text under it. Loaded only when someone opens it.
 */
export function InviteQr(props: {
  url: string;
  /** What a screen reader says of the code; default the invite's. */
  label?: string;
  /** The line under it; default the invite's. */
  hint?: string;
}): JSX.Element {
  const { t } = useI18n();
  // M: survives a smudged or glare-struck screen; an invite URL still fits a small version.
  const qr = () => encode(props.url, { ecc: 'M', border: 0 });
  const side = () => qr().size + 2 * QUIET_ZONE;
  return (
    <figure class="invite-qr">
      <Show when={qr()} keyed>
        {(code) => (
          <svg
            xmlns="http://www.w3.org/2000/svg"
            viewBox={`${-QUIET_ZONE} ${-QUIET_ZONE} ${side()} ${side()}`}
            role="img"
            aria-label={props.label ?? t('members.qrLabel')}
            data-modules={code.size}
            shape-rendering="crispEdges"
          >
            <rect x={-QUIET_ZONE} y={-QUIET_ZONE} width={side()} height={side()} fill="#fff" />
            <path d={qrPath(code.data)} fill="#000" />
          </svg>
        )}
      </Show>
      <figcaption>
        <span class="muted">{props.hint ?? t('members.qrHint')}</span>
        <code class="invite-qr-url" dir="ltr">
          {props.url}
        </code>
      </figcaption>
    </figure>
  );
}
