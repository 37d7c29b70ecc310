import { initMinutes, readMinutes, setMeetingFields } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type FieldElement, makeFieldBinding } from './makeFieldBinding.ts';

/** An `<input>` as far as the binding sees it: its text and its selection. */
function fakeInput(value: string): FieldElement {
  return {
    value,
    selectionStart: value.length,
    selectionEnd: value.length,
    setSelectionRange(start, end) {
      this.selectionStart = start;
      this.selectionEnd = end;
    },
  };
}

/** Bytes on their way between two devices, delivered when the test says. */
type Wire = { toA: Uint8Array[]; toB: Uint8Array[] };

/**
 * One device with the minutes' place field open and focused: the field is bound to the doc as
 * `TextInput` binds it (commits through `setMeetingFields`, shows what the projection reads).
 */
function device(doc: Y.Doc) {
  const el = fakeInput(readMinutes(doc).place);
  const binding = makeFieldBinding(el, {
    commit: (place) => setMeetingFields(doc, { place }),
    hasFocus: () => true,
  });
  const project = () => binding.show(readMinutes(doc).place);
  return {
    doc,
    el,
    binding,
    /** The projection's refresh after the doc changed. */
    project,
    /** A key pressed: the browser edits the field at the caret, then fires `input`. */
    type(text: string) {
      const start = el.selectionStart ?? el.value.length;
      const end = el.selectionEnd ?? start;
      el.value = el.value.slice(0, start) + text + el.value.slice(end);
      el.setSelectionRange(start + text.length, start + text.length);
      if (!binding.isComposing) binding.input();
    },
    /** The person clicks into the field at `at`. */
    moveCaret(at: number) {
      el.setSelectionRange(at, at);
    },
  };
}

/** Two devices holding the same minutes, whose updates travel only on `deliver()`. */
function twoDevices(place: string) {
  const docA = new Y.Doc();
  initMinutes(docA, { title: '例会', meetingType: 'branch-committee', place });
  const docB = new Y.Doc();
  Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA), 'relay');
  const wire: Wire = { toA: [], toB: [] };
  docA.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'relay') wire.toB.push(u);
  });
  docB.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'relay') wire.toA.push(u);
  });
  const a = device(docA);
  const b = device(docB);
  const deliver = () => {
    for (const u of wire.toB.splice(0)) Y.applyUpdate(docB, u, 'relay');
    for (const u of wire.toA.splice(0)) Y.applyUpdate(docA, u, 'relay');
    a.project();
    b.project();
  };
  return { a, b, deliver };
}

describe('makeFieldBinding', () => {
  it('TYPE-1 one types at the end, the other at the start, keys interleaved: each one’s text stays in order', () => {
    const { a, b, deliver } = twoDevices('村委会议室');
    b.moveCaret(0);
    const mine = [...'（二楼）'];
    const theirs = [...'示范村'];
    for (let i = 0; i < 4; i++) {
      if (mine[i]) a.type(mine[i] as string);
      deliver();
      if (theirs[i]) b.type(theirs[i] as string);
      deliver();
    }
    expect(readMinutes(a.doc).place).toBe('示范村村委会议室（二楼）');
    expect(readMinutes(b.doc).place).toBe('示范村村委会议室（二楼）');
    expect(a.el.value).toBe('示范村村委会议室（二楼）');
    expect(b.el.value).toBe('示范村村委会议室（二楼）');
    // Each caret is right after what its person typed.
    expect(a.el.selectionStart).toBe('示范村村委会议室（二楼）'.length);
    expect(b.el.selectionStart).toBe('示范村'.length);
  });

  it('TYPE-1 keys pressed at the same moment on both devices (crossing on the wire) stay in order', () => {
    const { a, b, deliver } = twoDevices('村委会议室');
    b.moveCaret(0);
    for (const [mine, theirs] of [
      ['（', '示'],
      ['二', '范'],
      ['楼', '村'],
      ['）', ''],
    ] as const) {
      a.type(mine);
      if (theirs) b.type(theirs);
      deliver();
    }
    expect(readMinutes(a.doc).place).toBe('示范村村委会议室（二楼）');
    expect(b.el.value).toBe('示范村村委会议室（二楼）');
  });

  it('TYPE-1 both type at the same spot: neither one’s characters are split up or reversed', () => {
    const { a, b, deliver } = twoDevices('村委会议室');
    const mine = [...'二楼'];
    const theirs = [...'东侧'];
    for (let i = 0; i < 2; i++) {
      a.type(mine[i] as string);
      deliver();
      b.type(theirs[i] as string);
      deliver();
    }
    const place = readMinutes(a.doc).place;
    expect(readMinutes(b.doc).place).toBe(place);
    expect(['村委会议室二楼东侧', '村委会议室东侧二楼']).toContain(place);
  });

  it('TYPE-1 a selection moves with the text when the other inserts before it', () => {
    const { a, b, deliver } = twoDevices('村委会议室');
    a.el.setSelectionRange(2, 5); // 会议室
    b.moveCaret(0);
    b.type('示范村');
    deliver();
    expect(a.el.value.slice(a.el.selectionStart ?? 0, a.el.selectionEnd ?? 0)).toBe('会议室');
  });

  it('TYPE-1 text the other typed during a composition is kept when the phrase is committed', () => {
    const { a, b, deliver } = twoDevices('村委会议室');
    a.binding.compositionStart();
    a.type('er');
    b.moveCaret(0);
    b.type('示范村');
    deliver();
    // The field is not rewritten under the input method.
    expect(a.el.value).toBe('村委会议室er');
    // The candidate replaces the pinyin, then the composition ends.
    a.el.value = '村委会议室二楼';
    a.el.setSelectionRange(7, 7);
    a.binding.compositionEnd();
    deliver();
    expect(a.el.value).toBe('示范村村委会议室二楼');
    expect(a.el.selectionStart).toBe('示范村村委会议室二楼'.length);
    expect(readMinutes(a.doc).place).toBe('示范村村委会议室二楼');
    expect(readMinutes(b.doc).place).toBe('示范村村委会议室二楼');
  });
});
