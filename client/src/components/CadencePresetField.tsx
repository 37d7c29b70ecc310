import { For, type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { CADENCE_PRESET_RULES, setCadence } from '../model/domain.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { SelectInput } from './fields.tsx';

type Preset = keyof typeof CADENCE_PRESET_RULES;
const PRESETS = Object.keys(CADENCE_PRESET_RULES) as Preset[];

/**
 * The workspace's 三会一课 rhythm: the source text's preset or the common national one, with the
 * rules it sets. Editors choose; viewers read. A custom setting (made elsewhere) is shown as is.
 */
export function CadencePresetField(): JSX.Element {
  const { t, label } = useI18n();
  const ws = useWorkspace();
  const current = () => ws.index.cadence.preset;
  const options = () => {
    const list = PRESETS.map((p) => ({ value: p as string, label: label('cadencePreset', p) }));
    if (current() === 'custom')
      list.push({ value: 'custom', label: label('cadencePreset', 'custom') });
    return list;
  };
  return (
    <div class="cadence-setting">
      <SelectInput
        name="cadencePreset"
        label={t('dash.cadencePreset')}
        value={current()}
        options={options()}
        isReadOnly={!ws.can('write')}
        onChange={(value) => {
          if (value === 'seed' || value === 'national') {
            setCadence(ws.sync.indexDoc, { preset: value });
          }
        }}
      />
      <Show when={ws.index.cadence.rules.length > 0}>
        <ul class="plain-list small muted cadence-rules">
          <For each={ws.index.cadence.rules}>
            {(r) => (
              <li>
                {label('meetingType', r.meetingType)} · {label('periodUnit', r.period)}{' '}
                {r.max !== null && r.max !== r.min
                  ? t('dash.cadenceRange', { min: r.min, max: r.max })
                  : t('dash.cadenceTimes', { n: r.min })}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
