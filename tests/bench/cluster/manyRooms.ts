/**
 * The many-rooms shape: a county's worth of small rooms, each with a few people editing at a
 * modest rate: `rooms` rooms × `perRoom` stock y-websocket clients with acks, each client
 * inserting EDIT_LENGTH characters every 1/`rate` s (the clients of a room in turn, so a room
 * sees perRoom × rate edits a second; rooms start at seeded offsets so the edits spread over
 * the second), for `seconds`, after a short warm-up. In the two-process setup the clients of
 * each room are split over both relays (rooms alternate which relay gets the extra client).
 *
 * Clients connect in batches (a real county does not open 1,500 sockets in one instant either).
 * Reported: fan-out latency (write → applied by each other client of its room), acked writes/s
 * (acks received per second over the second half of the writing: the offered rate when the
 * deployment keeps up), CPU per delivery, and convergence of every room.
 */
import {
  EDIT_LENGTH,
  newPhase,
  type PhaseLog,
  Swarm,
  seededRandom,
  until,
} from '../relay/clients.ts';
import { fixed } from '../relay/report.ts';
import {
  type CpuFigures,
  cpuFigures,
  cpuSample,
  type LatencyFigures,
  latencyFigures,
} from './figures.ts';
import { SETUP_LABELS, type Setup } from './setups.ts';

/** Options of the many-rooms shape. */
export type ManyRoomsOptions = {
  /** Rooms. Default 500. */
  rooms: number;
  /** Clients per room. Default 3. */
  perRoom: number;
  /** Edits per second of each client. Default 1. */
  rate: number;
  /** Measured duration, s. Default 60. */
  seconds: number;
};

export const MANY_ROOMS_DEFAULTS: ManyRoomsOptions = {
  rooms: 500,
  perRoom: 3,
  rate: 1,
  seconds: 60,
};

const WARMUP_SECONDS = 3;
/** Rooms whose clients connect together before the next batch starts. */
const CONNECT_BATCH = 25;
const CONNECT_TIMEOUT_MS = 60_000;
/** How long the last edits may take to reach everyone after the measured time ends. */
const SETTLE_TIMEOUT_MS = 60_000;
const SEED = 20_261_201;

/** The figures of the many-rooms shape on one setup. */
export type ManyRoomsResult = {
  setup: string;
  rooms: number;
  clients: number;
  /** Writes per second offered by all clients together. */
  offeredWritesPerSecond: number;
  measured: LatencyFigures & {
    edits: number;
    acked: number;
    /**
     * Acks received per second over the second half of the writing: the offered rate when the
     * deployment keeps up, its capacity when it does not.
     */
    ackedWritesPerSecond: number;
    /** Every ack of the phase over the time from its first write to its last ack. */
    ackedWritesPerSecondOverall: number;
  };
  cpu: CpuFigures;
  /** Seconds from the first socket opening to the last client's first sync. */
  connectSeconds: number;
  /** Rooms whose clients all hold the same text and state vector, with every edit in it. */
  convergedRooms: number;
  isConverged: boolean;
  /** Why the measured edits did not all arrive and get acknowledged in time; null when they did. */
  unsettled: string | null;
};

/** A room's clients and schedule; `sent` counts its edits over every phase. */
type Room = { swarm: Swarm; offsetMs: number; sent: number };

/** Runs the shape on one started setup. */
export async function runManyRoomsOn(
  setup: Setup,
  options: ManyRoomsOptions,
  log: (line: string) => void,
): Promise<ManyRoomsResult> {
  const { rooms: roomCount, perRoom, rate, seconds } = options;
  const random = seededRandom(SEED);
  const roomRate = perRoom * rate;
  const periodMs = 1000 / roomRate;
  const rooms: Room[] = [];
  try {
    const connectStart = performance.now();
    for (let first = 0; first < roomCount; first += CONNECT_BATCH) {
      const batch: Room[] = [];
      for (let r = first; r < Math.min(roomCount, first + CONNECT_BATCH); r++) {
        const swarm = new Swarm(setup.endpoints(`room-${r}`, r), perRoom, SEED + r, {
          wantsAcks: true,
        });
        batch.push({ swarm, offsetMs: random() * periodMs, sent: 0 });
      }
      rooms.push(...batch);
      await Promise.all(batch.map((room) => room.swarm.connect(CONNECT_TIMEOUT_MS)));
    }
    const connectSeconds = (performance.now() - connectStart) / 1000;
    log(
      `  ${rooms.length * perRoom} clients in ${rooms.length} rooms synced in ${fixed(connectSeconds, 1)} s`,
    );

    const warmup = await drive(rooms, periodMs, WARMUP_SECONDS * 1000, newPhase());
    if (warmup.unsettled) throw new Error(`warm-up: ${warmup.unsettled}`);
    const cpu0 = cpuSample(setup);
    const { phase, sustainedAckedPerSecond, unsettled } = await drive(
      rooms,
      periodMs,
      seconds * 1000,
      newPhase(),
    );
    const cpu1 = cpuSample(setup);

    let convergedRooms = 0;
    for (const room of rooms) {
      const { isConverged, length } = room.swarm.isConverged();
      if (isConverged && length === room.sent * EDIT_LENGTH) convergedRooms++;
    }
    const ackSeconds = (phase.lastAckAt - phase.firstSendAt) / 1000;
    return {
      setup: SETUP_LABELS[setup.kind],
      rooms: rooms.length,
      clients: rooms.length * perRoom,
      offeredWritesPerSecond: rooms.length * roomRate,
      measured: {
        ...latencyFigures(phase),
        edits: phase.edits,
        acked: phase.acked,
        ackedWritesPerSecond: sustainedAckedPerSecond,
        ackedWritesPerSecondOverall: ackSeconds > 0 ? phase.acked / ackSeconds : 0,
      },
      cpu: cpuFigures(cpu0, cpu1, phase.edits * (perRoom - 1)),
      connectSeconds,
      convergedRooms,
      isConverged: convergedRooms === rooms.length,
      unsettled,
    };
  } finally {
    for (const room of rooms) room.swarm.destroy();
  }
}

/**
 * Every room edits on its own schedule (its offset, then one edit per period, clients in turn)
 * for `durationMs`, driven by one 5 ms timer that catches up on whatever is due; then waits until
 * every edit reached every other client of its room and was acknowledged to its author.
 */
async function drive(
  rooms: readonly Room[],
  periodMs: number,
  durationMs: number,
  phase: PhaseLog,
): Promise<Drive> {
  const start = performance.now();
  const dueBy = (room: Room, now: number) => {
    const elapsed = Math.min(now, start + durationMs) - start - room.offsetMs;
    return elapsed < 0 ? 0 : Math.floor(elapsed / periodMs) + 1;
  };
  const sentAtStart = rooms.map((room) => room.sent);
  // Acks received when half the time has passed and when the writing stops.
  const marks: { half: Mark | null; end: Mark | null } = { half: null, end: null };
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (marks.half === null && now >= start + durationMs / 2) {
        marks.half = { at: now, acked: phase.acked };
      }
      for (const [i, room] of rooms.entries()) {
        const due = sentAtStart[i]! + dueBy(room, now);
        while (room.sent < due) {
          room.swarm.edit(phase);
          room.sent++;
        }
      }
      if (now >= start + durationMs) {
        marks.end = { at: now, acked: phase.acked };
        clearInterval(timer);
        done();
      }
    }, 5);
  });
  // The phase log is shared by every room, so any swarm can tell whether all of it settled.
  const anyRoom = rooms[0]!.swarm;
  let unsettled: string | null = null;
  try {
    await until(() => anyRoom.isSettled(phase), SETTLE_TIMEOUT_MS, 'edits did not settle', 20);
  } catch {
    unsettled =
      `${SETTLE_TIMEOUT_MS / 1000} s after the writing stopped, ${phase.completed}/${phase.edits} ` +
      `edits had reached every other client of their room and ${phase.acked} were acknowledged`;
  }
  const secondHalf = marks.half && marks.end ? (marks.end.at - marks.half.at) / 1000 : 0;
  return {
    phase,
    sustainedAckedPerSecond:
      marks.half && marks.end && secondHalf > 0
        ? (marks.end.acked - marks.half.acked) / secondHalf
        : 0,
    unsettled,
  };
}

type Mark = { at: number; acked: number };

/**
 * A driven phase; the acks received per second over the second half of its writing; why it did
 * not settle (null when every edit reached everyone and was acknowledged).
 */
type Drive = { phase: PhaseLog; sustainedAckedPerSecond: number; unsettled: string | null };
