import { type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { MeetingType } from '../model/domain.ts';

/**
 * A rule's name: its meeting type and, for a party group, the group's name in its own direction
 * (`<bdi>`), kept whole on a line: a Chinese group name among Uyghur words was drawn right to left
 * with the words around it and broken inside its brackets ("第一党小组（一组、" / "二组）").
 */
export function RuleName(props: {
  meetingType: MeetingType;
  groupName: string | null;
}): JSX.Element {
  const { label } = useI18n();
  return (
    <>
      {label('meetingType', props.meetingType)}
      <Show when={props.groupName}>
        {(name) => (
          <>
            {' · '}
            <bdi class="whole">{name()}</bdi>
          </>
        )}
      </Show>
    </>
  );
}

/** The same name as plain text (an accessible name, a file), the group's name isolated. */
export function ruleNameText(
  meetingType: MeetingType,
  groupName: string | null | undefined,
  label: (enumName: 'meetingType', value: MeetingType) => string,
): string {
  const type = label('meetingType', meetingType);
  return groupName ? `${type} · \u2068${groupName}\u2069` : type;
}
