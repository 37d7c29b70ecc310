import { createSignal, type JSX, onCleanup, onMount, Show } from 'solid-js';

/**
 * A box that scrolls a wide table sideways on a narrow screen. While its content is wider than
 * the box, it is a named region in the tab order, so someone without a mouse or touch screen can
 * focus it and scroll it with the arrow keys; when everything fits it is a plain box and no extra
 * tab stop. While it scrolls, its edges are shaded where more is hidden, and `hint` (if given) says
 * so in words above it (on screen only).
 */
export function ScrollRegion(props: {
  label: string;
  /** A line shown above the box while it scrolls, e.g. that the table goes on sideways. */
  hint?: string;
  children: JSX.Element;
}): JSX.Element {
  const [isScrollable, setScrollable] = createSignal(false);
  let box!: HTMLDivElement;
  onMount(() => {
    const check = () => setScrollable(box.scrollWidth > box.clientWidth);
    const observer = new ResizeObserver(check);
    observer.observe(box);
    // The table grows and shrinks with its rows, the box with the window.
    if (box.firstElementChild) observer.observe(box.firstElementChild);
    check();
    onCleanup(() => observer.disconnect());
  });
  const asRegion = () =>
    isScrollable() ? ({ role: 'region', 'aria-label': props.label, tabindex: 0 } as const) : {};
  return (
    <>
      <Show when={props.hint && isScrollable()}>
        <p class="small muted scroll-hint no-print">{props.hint}</p>
      </Show>
      <div
        ref={box}
        class="table-wrap"
        data-scrollable={isScrollable() ? 'true' : undefined}
        {...asRegion()}
      >
        {props.children}
      </div>
    </>
  );
}
