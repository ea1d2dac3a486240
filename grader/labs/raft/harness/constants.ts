// The course's Raft tester constants (raft-lab.md 2.1), unchanged since 2020;
// here they hold in virtual time, exactly.

/** The tester's election timeout: a generous 1 s (RaftElectionTimeout). Tests sleep in multiples of it. */
export const ELECTION_TIMEOUT_MS = 1000;

/** A test fails once it has run 120 s (the tester's config). */
export const TEST_LIMIT_MS = 120_000;

/** checkOneLeader polls this many times... */
export const LEADER_POLLS = 10;
/** ...each after sleeping 450 ms plus a draw below 100 ms. */
export const LEADER_POLL_MS = 450;
export const LEADER_POLL_JITTER_MS = 100;

/** one() gives up after 10 s in all. */
export const ONE_LIMIT_MS = 10_000;
/** After a successful Start, one() waits up to 2 s for agreement... */
export const ONE_AGREEMENT_MS = 2000;
/** ...checking every 20 ms. */
export const ONE_POLL_MS = 20;
/** When no server accepted the command, one() tries again 50 ms later. */
export const ONE_RETRY_MS = 50;

/** wait() polls 30 times, sleeping from 10 ms, doubling while below 1 s. */
export const WAIT_POLLS = 30;
export const WAIT_FIRST_MS = 10;
export const WAIT_MAX_MS = 1000;

/** Before checking terms, tests give followers 50 ms to learn of an election. */
export const TERM_SETTLE_MS = 50;

/** 2D: no peer's persisted Raft state may reach 2000 bytes (MAXLOGSIZE). */
export const MAX_LOG_SIZE = 2000;

/** 2D: the tester snapshots after every 10th applied command (SnapShotInterval). */
export const SNAPSHOT_INTERVAL = 10;
