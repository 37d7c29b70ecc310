import * as awarenessProtocol from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { seededRandom, until } from './clients.ts';
import { fixed, type ShapeReport, textTable } from './report.ts';
import {
  type BenchServer,
  readCpuMs,
  type ServerKind,
  startBenchServer,
  watchRss,
} from './servers.ts';
import { type LatencySummary, summarize } from './stats.ts';
import { bodyOf, minutesSeed, Typist } from './typist.ts';
import { countingWebSocket, total, WireLog, type WireSnapshot, WireType } from './wire.ts';

/**
 * When a person's caret goes out in awareness:
 * - `keystroke`: after each of their own keystrokes (the caret moved);
 * - `tiptap`: also after every remote edit their editor applies, as `@tiptap/y-tiptap` 3.0.9's
 *   caret plugin does while the editor has focus (`updateCursorInfo(view, { force })` when a
 *   change came from Yjs: awareness.setLocalStateField bumps the clock and the provider sends it).
 */
export type CaretModel = 'keystroke' | 'tiptap';

/** Options of runMeeting. */
export type MeetingOptions = {
  /** People in the document, each a stock y-websocket client. Default 30. */
  people?: number;
  /** Length of the typing, s. Default 180. */
  seconds?: number;
  /** Default `keystroke`. */
  caret?: CaretModel;
  seed?: number;
  /** Joining and first sync of everyone, ms. Default 60 s. */
  connectTimeoutMs?: number;
  /** After the typing, how long the connected clients may take to agree, ms. Default 30 s. */
  settleTimeoutMs?: number;
};

/**
 * Typing rhythm, per person: bursts of 10–40 keystrokes 120–280 ms apart (about 5 characters a
 * second while typing), then a 1.5–6 s pause (listening), where one pause in five ends with a
 * click elsewhere in the minutes. About 3 keystrokes a second on average. Of the keystrokes, 4 %
 * are Enter (a new paragraph) and 8 % Backspace; the rest type one character.
 */
const RHYTHM = {
  burst: [10, 40],
  gapMs: [120, 280],
  pauseMs: [1500, 6000],
  startMs: [0, 3000],
  clickAfterPause: 0.2,
  enter: 0.04,
  backspace: 0.08,
} as const;

const COLOURS = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777'];
const NAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗'.split('');

/** One timed keystroke: the author's clock after it, and when it was made. */
type Keystroke = { end: number; sentAt: number };

class Person {
  readonly doc = new Y.Doc({ gc: false });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly wire: WireLog;
  readonly provider: WebsocketProvider;
  readonly typist: Typist;
  readonly keystrokes: Keystroke[] = [];
  /** Per author (clientID): how many of their timed keystrokes this person has applied. */
  readonly applied = new Map<number, number>();
  typed = 0;
  isFocused = false;

  constructor(
    server: BenchServer,
    readonly index: number,
    pool: string,
    readonly random: () => number,
    epoch: number,
  ) {
    this.wire = new WireLog(epoch);
    this.typist = new Typist(this.doc, pool, random);
    this.provider = new WebsocketProvider(server.serverUrl, server.room, this.doc, {
      WebSocketPolyfill: countingWebSocket(this.wire),
      params: server.params,
      awareness: this.awareness,
      disableBc: true,
      maxBackoffTime: 1000,
    });
  }

  get isConnected(): boolean {
    return this.provider.wsconnected;
  }

  /** The app's presence: the user (set by the caret extension), no caret until they type. */
  join(): void {
    this.awareness.setLocalState({
      user: {
        name: `${NAMES[this.index % NAMES.length]}${this.index + 1}`,
        color: COLOURS[this.index % COLOURS.length],
        memberId: `bench-${this.index}`,
      },
      cursor: null,
    });
  }

  publishCaret(): void {
    this.awareness.setLocalStateField('cursor', this.typist.caretJSON());
  }

  /** One keystroke (one transaction), timed when it moved this person's clock, then the caret. */
  keystroke(): void {
    const before = Y.getState(this.doc.store, this.doc.clientID);
    const roll = this.random();
    const sentAt = performance.now();
    if (roll < RHYTHM.enter) this.typist.enter();
    else if (roll >= RHYTHM.enter + RHYTHM.backspace || !this.typist.backspace(1)) {
      this.typist.type(1);
    }
    this.typed++;
    const end = Y.getState(this.doc.store, this.doc.clientID);
    if (end > before) this.keystrokes.push({ end, sentAt });
    this.publishCaret();
  }
}

/** What one meeting measured, for one server. */
export type MeetingResult = {
  server: string;
  people: number;
  caret: CaretModel;
  seconds: number;
  keystrokes: number;
  keystrokesPerSecondPerPerson: number;
  /** Keystroke → applied by each other person, ms (inserts and Enter; Backspace is not timed). */
  latency: LatencySummary;
  /** (timed keystroke, other person) pairs, and how many of them arrived. */
  deliveries: { expected: number; arrived: number };
  perConnection: {
    /** Awareness messages a connection received per second (mean over people). */
    awarenessReceivedPerSecond: number;
    /** Messages a connection sent per second (mean over people), and of them awareness. */
    sentPerSecond: number;
    awarenessSentPerSecond: number;
    /** Most messages one connection sent in one whole second. */
    peakSentInOneSecond: number;
    /** Messages a connection received per second (mean over people). */
    receivedPerSecond: number;
  };
  /** Connection closes during the meeting, by close code (with the first reason given). */
  closes: Record<string, { count: number; reason: string }>;
  /** People whose connection was closed at least once; and those connected at the end. */
  cutOff: number;
  connectedAtEnd: number;
  /** Every person's body text and state vector equal to everyone else's. */
  isConverged: boolean;
  /** Distinct (text, state vector) pairs among the people at the end (1 when converged). */
  distinctStates: number;
  /** Those still connected at the end all hold the same text and state vector. */
  doConnectedAgree: boolean;
  serverCpuSeconds: number;
  clientCpuSeconds: number;
  peakRssMb: number;
};

const sumSnapshots = (snaps: readonly WireSnapshot[], pick: (s: WireSnapshot) => number) =>
  snaps.reduce((n, s) => n + pick(s), 0);

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * A meeting: `people` stock y-websocket clients join one minutes document (seeded with the demo
 * village's first minutes), each with the app's presence, and type into its body for `seconds`
 * in bursts (RHYTHM), each keystroke followed by the caret in awareness. Measures fan-out latency
 * of every timed keystroke to every other person, traffic per connection, closes, convergence,
 * and the server's CPU time (typing only) and peak RSS (whole meeting).
 */
export async function runMeeting(
  server: BenchServer,
  {
    people = 30,
    seconds = 180,
    caret = 'keystroke',
    seed = 1,
    connectTimeoutMs = 60_000,
    settleTimeoutMs = 30_000,
  }: MeetingOptions = {},
): Promise<MeetingResult> {
  const rss = watchRss(server.pid);
  const epoch = performance.now();
  const { update, pool } = minutesSeed();
  const persons: Person[] = [];
  const byClient = new Map<number, Person>();
  const timers = new Set<NodeJS.Timeout>();
  const latencies: number[] = [];
  try {
    for (let i = 0; i < people; i++) {
      const person = new Person(server, i, pool, seededRandom(seed * 1000 + i), epoch);
      if (i === 0) Y.applyUpdate(person.doc, update);
      persons.push(person);
      byClient.set(person.doc.clientID, person);
    }
    for (const person of persons) {
      person.doc.on('afterTransaction', (tr: Y.Transaction) => {
        if (tr.local) return;
        const now = performance.now();
        for (const [client, after] of tr.afterState) {
          if (after <= (tr.beforeState.get(client) ?? 0)) continue;
          const author = byClient.get(client);
          if (!author || author === person) continue;
          let k = person.applied.get(client) ?? 0;
          while (k < author.keystrokes.length && author.keystrokes[k]!.end <= after) {
            latencies.push(now - author.keystrokes[k]!.sentAt);
            k++;
          }
          person.applied.set(client, k);
        }
        if (caret === 'tiptap' && person.isFocused && tr.changed.size > 0) person.publishCaret();
      });
    }
    const stateOf = (p: Person) => Y.encodeStateVector(p.doc).toString();
    await until(
      () => persons.every((p) => p.provider.synced) && new Set(persons.map(stateOf)).size === 1,
      connectTimeoutMs,
      `${people} people did not join ${server.kind}`,
      50,
    );
    for (const person of persons) person.join();
    await until(
      () => persons.every((p) => p.awareness.getStates().size === people),
      connectTimeoutMs,
      `presence of ${people} people did not reach everyone on ${server.kind}`,
      50,
    );

    // The typing: every person on their own timer, bursts and pauses.
    const start = performance.now();
    const end = start + seconds * 1000;
    const wireAtStart = persons.map((p) => p.wire.snapshot());
    const cpuAtStart = { server: readCpuMs(server.pid), client: ownCpuMs() };
    const between = ([lo, hi]: readonly [number, number], r: () => number) => lo + r() * (hi - lo);
    for (const person of persons) {
      let left = 0;
      const step = () => {
        if (performance.now() >= end) return;
        if (left === 0) {
          // First keystroke of a burst: a new paragraph of one's own at the start of the
          // meeting, sometimes a click elsewhere after a pause.
          if (!person.isFocused) {
            person.isFocused = true;
            person.typist.clickParagraphEnd();
            person.typist.enter();
            person.publishCaret();
          } else if (person.random() < RHYTHM.clickAfterPause) {
            person.typist.clickSomewhere();
          }
          left = Math.round(between(RHYTHM.burst, person.random));
        }
        person.keystroke();
        left--;
        schedule(
          left > 0 ? between(RHYTHM.gapMs, person.random) : between(RHYTHM.pauseMs, person.random),
        );
      };
      const schedule = (ms: number) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          step();
        }, ms);
        timers.add(timer);
      };
      schedule(between(RHYTHM.startMs, person.random));
    }
    await new Promise<void>((done) => setTimeout(done, end - performance.now()));
    for (const timer of timers) clearTimeout(timer);
    for (const person of persons) person.isFocused = false;
    const typingEnd = performance.now();
    const cpuAtEnd = { server: readCpuMs(server.pid), client: ownCpuMs() };
    const traffic = persons.map((p, i) => p.wire.since(wireAtStart[i]!));

    // Everyone still connected should now agree; those cut off keep what they had.
    await until(
      () => new Set(persons.filter((p) => p.isConnected).map(stateOf)).size <= 1,
      settleTimeoutMs,
      `connected people did not agree within ${settleTimeoutMs} ms on ${server.kind}`,
      50,
    ).catch((error: unknown) => console.warn(`  ${(error as Error).message}`));
    // Keystrokes still on their way are counted as arrived if they arrive within the settle time.
    const fullState = (p: Person) => `${stateOf(p)}|${bodyOf(p.doc).toString()}`;
    const states = new Set(persons.map(fullState));
    const connectedStates = new Set(persons.filter((p) => p.isConnected).map(fullState));

    const closes: Record<string, { count: number; reason: string }> = {};
    for (const p of persons) {
      for (const c of p.wire.closes) {
        const entry = closes[String(c.code)] ?? { count: 0, reason: c.reason };
        entry.count++;
        closes[String(c.code)] = entry;
      }
    }
    const keystrokes = persons.reduce((n, p) => n + p.typed, 0);
    const timed = persons.reduce((n, p) => n + p.keystrokes.length, 0);
    const window = (typingEnd - start) / 1000;
    const perConn = (pick: (s: WireSnapshot) => number) =>
      sumSnapshots(traffic, pick) / people / window;
    return {
      server: server.kind,
      people,
      caret,
      seconds: window,
      keystrokes,
      keystrokesPerSecondPerPerson: keystrokes / people / window,
      latency: summarize(latencies),
      deliveries: { expected: timed * (people - 1), arrived: latencies.length },
      perConnection: {
        awarenessReceivedPerSecond: perConn((s) => s.received[WireType.awareness]!),
        sentPerSecond: perConn((s) => total(s.sent)),
        awarenessSentPerSecond: perConn((s) => s.sent[WireType.awareness]!),
        peakSentInOneSecond: Math.max(
          ...persons.map((p) => p.wire.peakSentPerSecond(start, typingEnd)),
        ),
        receivedPerSecond: perConn((s) => total(s.received)),
      },
      closes,
      cutOff: persons.filter((p) => p.wire.closes.length > 0).length,
      connectedAtEnd: persons.filter((p) => p.isConnected).length,
      isConverged: states.size === 1,
      distinctStates: states.size,
      doConnectedAgree: connectedStates.size <= 1,
      serverCpuSeconds: (cpuAtEnd.server - cpuAtStart.server) / 1000,
      clientCpuSeconds: (cpuAtEnd.client - cpuAtStart.client) / 1000,
      peakRssMb: rss.peak() / 1024 / 1024,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    rss.stop();
    for (const p of persons) {
      p.provider.destroy();
      p.doc.destroy();
    }
  }
}

/** Options of the meeting shape: the meeting's, plus the server processes' Node flags. */
export type MeetingShapeOptions = MeetingOptions & { nodeArgs?: readonly string[] };

/**
 * The meeting shape: one meeting against each server, each in a fresh process. Our relay runs
 * with its production limits (the configuration's defaults), since being cut off by them is part
 * of what is measured; the reference has no limits.
 */
export async function runMeetingShape(
  options: MeetingShapeOptions,
  log: (line: string) => void,
): Promise<ShapeReport> {
  const kinds: ServerKind[] = ['y-websocket', 'grassroots'];
  const results: MeetingResult[] = [];
  const { nodeArgs = [], ...meeting } = options;
  for (const kind of kinds) {
    const server = await startBenchServer(kind, { nodeArgs, limits: 'production' });
    try {
      const started = performance.now();
      const result = await runMeeting(server, meeting);
      results.push(result);
      log(
        `  meeting on ${kind}: ${result.people} people, ${fixed(result.seconds, 0)} s, ` +
          `p99 ${fixed(result.latency.p99, 1)} ms, cut off ${result.cutOff}, ` +
          `converged ${result.isConverged ? 'yes' : 'NO'}, ${fixed((performance.now() - started) / 1000, 0)} s`,
      );
    } finally {
      await server.stop();
    }
  }
  const closeText = (r: MeetingResult) =>
    Object.entries(r.closes)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(' ') || 'none';
  const latencyTable = textTable(
    [
      'server',
      'people',
      'caret',
      'typing s',
      'keys/s/person',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'arrived',
      'closes',
      'cut off',
      'connected at end',
      'all converged',
    ],
    results.map((r) => [
      r.server,
      String(r.people),
      r.caret,
      fixed(r.seconds, 0),
      fixed(r.keystrokesPerSecondPerPerson, 2),
      fixed(r.latency.p50, 1),
      fixed(r.latency.p95, 1),
      fixed(r.latency.p99, 1),
      fixed(r.latency.max, 0),
      `${fixed((100 * r.deliveries.arrived) / Math.max(1, r.deliveries.expected), 1)} %`,
      closeText(r),
      String(r.cutOff),
      String(r.connectedAtEnd),
      r.isConverged ? 'yes' : `NO (${r.distinctStates} states)`,
    ]),
  );
  const trafficTable = textTable(
    [
      'server',
      'aw recv/s/conn',
      'recv/s/conn',
      'sent/s/conn',
      'aw sent/s/conn',
      'peak sent in 1 s',
      'srv CPU s',
      'srv CPU %',
      'cli CPU s',
      'peak RSS MB',
    ],
    results.map((r) => [
      r.server,
      fixed(r.perConnection.awarenessReceivedPerSecond, 1),
      fixed(r.perConnection.receivedPerSecond, 1),
      fixed(r.perConnection.sentPerSecond, 1),
      fixed(r.perConnection.awarenessSentPerSecond, 1),
      String(r.perConnection.peakSentInOneSecond),
      fixed(r.serverCpuSeconds, 1),
      fixed((100 * r.serverCpuSeconds) / r.seconds, 0),
      fixed(r.clientCpuSeconds, 1),
      fixed(r.peakRssMb, 1),
    ]),
  );
  const reasons = results.flatMap((r) =>
    Object.entries(r.closes).map(([code, c]) => `  ${r.server} ${code}: "${c.reason}"`),
  );
  return {
    file: 'relay-meeting.json',
    lines: [
      latencyTable,
      '',
      trafficTable,
      '',
      'latency: keystroke (insert or Enter) → applied by each other person; arrived = share of ' +
        '(keystroke, other person) pairs that arrived; "aw" = awareness; per conn = mean over ' +
        'people, per second of typing; srv CPU % = of one core; our relay at its production limits',
      ...(reasons.length > 0 ? ['close reasons:', ...reasons] : []),
    ],
    json: { workload: { ...meeting, rhythm: RHYTHM }, results },
    failures: results
      .filter((r) => !r.doConnectedAgree)
      .map((r) => `meeting: people still connected to ${r.server} disagree at the end`),
  };
}
