import { createSignal } from 'solid-js';

/**
 * What the open page is about (a document's title), for the browser's tab and window title and
 * what a screen reader says on arriving: `<doc title> · <app name>`; null: the app's name alone.
 */
const [pageTitle, setPageTitle] = createSignal<string | null>(null);

export { pageTitle, setPageTitle };
