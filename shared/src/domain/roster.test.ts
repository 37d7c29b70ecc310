import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DomainError } from './DomainError.ts';
import { createDoc } from './doc.ts';
import {
  addGroup,
  addPerson,
  bodyRoster,
  confirmFullMember,
  initRoster,
  joinBody,
  leaveBody,
  membershipKey,
  officeHolders,
  partyStatusAt,
  readRoster,
  removePerson,
  renamePerson,
  setMembershipDates,
  setOffice,
  votingMembers,
} from './roster.ts';
import { rosterSchema } from './schema.ts';
import { mergeInEveryOrder, replicas } from './test-utils.ts';
import { beijingInstant } from './time.ts';

function baseRoster() {
  const doc = createDoc({ clientID: 100 });
  initRoster(doc, { title: '阳光村组织名册', createdAt: 1 });
  return doc;
}

const names = (members: { name: string }[]) => members.map((m) => m.name);

describe('roster', () => {
  it('ROS-1 people and party groups added on three devices are all kept, in one order everywhere', () => {
    const doc = baseRoster();
    const [a, b, c] = replicas(doc, 3) as [Y.Doc, Y.Doc, Y.Doc];
    addPerson(a, { name: '王建国' });
    addPerson(b, { name: '李秀英' });
    addPerson(c, { name: '张伟', memberId: 'm-zw' });
    addGroup(a, { name: '第一党小组' });
    addGroup(c, { name: '第二党小组' });
    const reads = mergeInEveryOrder(doc, [a, b, c]).map(readRoster);
    for (const r of reads) {
      expect(r).toEqual(reads[0]);
      expect(names(r.people).sort()).toEqual(['张伟', '李秀英', '王建国'].sort());
      expect(r.groups).toHaveLength(2);
      expect(rosterSchema.safeParse(r).success).toBe(true);
    }
  });

  it('ROS-2 adding one person to one body on three devices gives one membership', () => {
    const doc = baseRoster();
    const p = addPerson(doc, { id: 'p1', name: '王建国' });
    const g = addGroup(doc, { id: 'g1', name: '第一党小组' });
    const devices = replicas(doc, 3) as [Y.Doc, Y.Doc, Y.Doc];
    const joined = ['2020-07-01', '2021-03-15', '2019-12-01'];
    devices.forEach((d, i) => {
      joinBody(d, p, { body: 'villager-representatives' }, { joined: joined[i] });
      joinBody(d, p, { body: 'party-group', groupId: g }, { joined: joined[i] });
    });
    const reads = mergeInEveryOrder(doc, devices).map(readRoster);
    for (const r of reads) {
      expect(r.memberships).toEqual(reads[0]!.memberships);
      expect(r.memberships.map((m) => m.key)).toEqual([
        membershipKey(p, 'party-group', g),
        membershipKey(p, 'villager-representatives'),
      ]);
      expect(joined).toContain(r.memberships[0]!.joined);
    }
  });

  it('ROS-3 left, 转正 and office changed apart all stick; one field changed twice has one winner', () => {
    const doc = baseRoster();
    const p = addPerson(doc, { id: 'p1', name: '赵德明' });
    joinBody(doc, p, { body: 'party' }, { joined: '2024-05-01', status: 'probationary' });
    const committee = joinBody(doc, p, { body: 'branch-committee' }, { joined: '2024-05-01' });
    const [a, b, c] = replicas(doc, 3) as [Y.Doc, Y.Doc, Y.Doc];
    leaveBody(a, p, { body: 'party' }, '2026-01-01');
    confirmFullMember(b, p, '2025-05-01');
    setOffice(c, committee, 'deputy-secretary');
    renamePerson(a, p, '赵德明（老）');
    renamePerson(c, p, '赵德明（新）');
    const reads = mergeInEveryOrder(doc, [a, b, c]).map(readRoster);
    for (const r of reads) {
      expect(r).toEqual(reads[0]);
      const party = r.memberships.find((m) => m.body === 'party')!;
      expect(party).toMatchObject({ left: '2026-01-01', status: 'full', fullFrom: '2025-05-01' });
      expect(r.memberships.find((m) => m.body === 'branch-committee')!.office).toBe(
        'deputy-secretary',
      );
      expect(['赵德明（老）', '赵德明（新）']).toContain(r.people[0]!.name);
    }
  });

  it('ROS-4 a body on a day: joined counts from the start of its day, left from the start of its day', () => {
    const doc = baseRoster();
    const p1 = addPerson(doc, { name: '甲' });
    const p2 = addPerson(doc, { name: '乙' });
    const p3 = addPerson(doc, { name: '丙' });
    const reps = { body: 'villager-representatives' } as const;
    joinBody(doc, p1, reps);
    joinBody(doc, p2, reps, { joined: '2025-03-10' });
    joinBody(doc, p3, reps, { joined: '2024-01-01' });
    leaveBody(doc, p3, reps, '2025-03-10');
    const r = readRoster(doc);
    const at = (d: number, h: number) => bodyRoster(r, reps, beijingInstant(2025, 3, d, h));
    expect(names(at(9, 23))).toEqual(['丙', '甲'].sort());
    // 2025-03-10 00:00 Beijing is 2025-03-09 16:00 UTC: 乙 has joined, 丙 has left.
    expect(names(at(10, 0))).toEqual(['乙', '甲'].sort());
    expect(bodyRoster(r, reps, Date.UTC(2025, 2, 9, 15, 59))).toHaveLength(2);
    expect(names(bodyRoster(r, reps, Date.UTC(2025, 2, 9, 15, 59)))).toContain('丙');
  });

  it('ROS-4 composed bodies list each person once: 两委 and the representatives meeting (§25)', () => {
    const doc = baseRoster();
    const both = addPerson(doc, { name: '王建国' });
    const village = addPerson(doc, { name: '李秀英' });
    const rep = addPerson(doc, { name: '刘桂兰' });
    joinBody(doc, both, { body: 'branch-committee' }, { office: 'secretary' });
    joinBody(doc, both, { body: 'village-committee' }, { office: 'director' });
    joinBody(doc, village, { body: 'village-committee' });
    joinBody(doc, rep, { body: 'villager-representatives' });
    const r = readRoster(doc);
    const now = beijingInstant(2025, 6, 1);
    expect(names(bodyRoster(r, { body: 'two-committees' }, now))).toEqual(
      ['李秀英', '王建国'].sort(),
    );
    expect(
      bodyRoster(r, { body: 'two-committees' }, now).find((m) => m.personId === both)!.office,
    ).toBe('secretary');
    expect(names(bodyRoster(r, { body: 'representatives-meeting' }, now))).toEqual(
      ['刘桂兰', '李秀英', '王建国'].sort(),
    );
    expect(bodyRoster(r, { body: 'villagers' }, now)).toEqual([]);
    expect(names(officeHolders(r, 'secretary', now))).toEqual(['王建国']);
  });

  it('ROS-5 预备党员 attend but do not vote; they vote from the start of their 转正 day', () => {
    const doc = baseRoster();
    const full = addPerson(doc, { name: '正式' });
    const prob = addPerson(doc, { name: '预备' });
    const g = addGroup(doc, { name: '第一党小组' });
    joinBody(doc, full, { body: 'party' }, { joined: '2010-07-01' });
    joinBody(doc, prob, { body: 'party' }, { joined: '2024-06-01', status: 'probationary' });
    for (const p of [full, prob]) joinBody(doc, p, { body: 'party-group', groupId: g });
    confirmFullMember(doc, prob, '2025-06-01');
    const r = readRoster(doc);
    const may = beijingInstant(2025, 5, 31, 20);
    const june = beijingInstant(2025, 6, 1, 8);
    expect(names(bodyRoster(r, { body: 'party' }, may))).toEqual(['正式', '预备'].sort());
    expect(names(votingMembers(r, { body: 'party' }, may))).toEqual(['正式']);
    expect(names(votingMembers(r, { body: 'party-group', groupId: g }, may))).toEqual(['正式']);
    expect(partyStatusAt(r, prob, may)).toBe('probationary');
    expect(partyStatusAt(r, prob, june)).toBe('full');
    expect(names(votingMembers(r, { body: 'party' }, june))).toEqual(['正式', '预备'].sort());
    expect(partyStatusAt(r, prob, beijingInstant(2024, 1, 1))).toBeNull();
  });

  it('ROS-6 a person is a name of at most 40 characters and an optional member id, nothing more', () => {
    const doc = baseRoster();
    const id = addPerson(doc, {
      name: '王建国',
      memberId: 'm1',
      idNumber: '650102199001011234',
      phone: '13900000000',
    } as never);
    expect(readRoster(doc).people).toEqual([{ id, name: '王建国', memberId: 'm1' }]);
    expect(() => addPerson(doc, { name: '名'.repeat(41) })).toThrow(DomainError);
    expect(() => addPerson(doc, { name: '  ' })).toThrow(DomainError);
    expect(
      rosterSchema.safeParse({
        ...readRoster(doc),
        people: [{ id, name: '王建国', memberId: null, ethnicity: 'x' }],
      }).success,
    ).toBe(false);
  });

  it('ROS-7 removing a person removes their memberships, even one added concurrently elsewhere', () => {
    const doc = baseRoster();
    const p = addPerson(doc, { name: '重复录入' });
    joinBody(doc, p, { body: 'party' });
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    removePerson(a, p);
    joinBody(b, p, { body: 'villager-representatives' });
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      const r = readRoster(m);
      expect(r.people).toEqual([]);
      expect(r.memberships).toEqual([]);
    }
  });

  it('ROS-2 memberships are checked before writing: offices belong to their body, dates in order', () => {
    const doc = baseRoster();
    const p = addPerson(doc, { name: '王建国' });
    const before = Y.encodeStateVector(doc);
    expect(() => joinBody(doc, p, { body: 'party-group' })).toThrow(DomainError);
    expect(() => joinBody(doc, p, { body: 'village-committee' }, { office: 'secretary' })).toThrow(
      /branch-committee/,
    );
    expect(() => joinBody(doc, p, { body: 'village-committee' }, { status: 'full' })).toThrow(
      DomainError,
    );
    expect(() => joinBody(doc, 'nobody', { body: 'party' })).toThrow(DomainError);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    const key = joinBody(doc, p, { body: 'party' }, { joined: '2020-01-01' });
    expect(() => setMembershipDates(doc, key, { left: '2019-12-31' })).toThrow(/after/);
    // Rejoining after leaving starts the membership anew.
    leaveBody(doc, p, { body: 'party' }, '2021-01-01');
    joinBody(doc, p, { body: 'party' }, { joined: '2023-01-01' });
    expect(readRoster(doc).memberships).toEqual([
      expect.objectContaining({ key, joined: '2023-01-01', left: null }),
    ]);
  });
});
