import { createSignal, type JSX, onCleanup, onMount } from 'solid-js';

/**
 * A box that scrolls a wide table sideways on a narrow screen. While its content is wider than
 * the box, it is a named region in the tab order, so someone without a mouse or touch screen can
 * focus it and scroll it with the arrow keys; when everything fits it is a plain box and no extra
 * tab stop.
 */
export function ScrollRegion(props: { label: string; children: JSX.Element }): JSX.Element {
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
    <div ref={box} class="table-wrap" {...asRegion()}>
      {props.children}
    </div>
  );
}
