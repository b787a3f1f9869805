package dev.workerclass.workers;

import java.time.Duration;
import java.util.Objects;

/**
 * Why the application did not answer a request: there was no room in line, or it outlived its
 * deadline. It holds the facts the answer reports, the same from every engine; the web stacks
 * write the answer (503, {@code Retry-After}), since HTTP is theirs, not the core's.
 */
public sealed interface Unserved {

	/**
	 * The seconds the client is told to wait before it tries again ({@code Retry-After}): the
	 * time the line it found takes to drain at the measured rate, at least 1.
	 */
	int retryAfterSeconds();

	/** Whose line a request found full. */
	enum Pool {

		/** The worker slots, where requests run. */
		WORKERS,

		/** The offload threads, where {@code @Blocking} (and, under reactive, blocking-style) handlers run. */
		OFFLOAD

	}

	/**
	 * Refused at once: every slot of {@code pool} was busy and its line held the most requests
	 * allowed.
	 *
	 * @param pool whose line was full
	 * @param capacity the pool's slots admitted at once, all busy (a concurrency limit may admit fewer than it has)
	 * @param queued requests already waiting
	 * @param retryAfterSeconds seconds to wait before trying again, at least 1
	 */
	record LineFull(Pool pool, int capacity, int queued, int retryAfterSeconds) implements Unserved {

		public LineFull {
			Objects.requireNonNull(pool, "pool");
			retryAfterSeconds = atLeastOne(retryAfterSeconds);
		}

		/** A full line with no measured rate: try again in a second. */
		public LineFull(Pool pool, int capacity, int queued) {
			this(pool, capacity, queued, 1);
		}

		/** The line of {@code pool} as {@code snapshot} saw it, with no measured rate. */
		public static LineFull of(Pool pool, WorkersSnapshot snapshot) {
			return new LineFull(pool, snapshot.capacity(), snapshot.queued());
		}

		/** The line of {@code requests} as it is now, and the time it takes to drain. */
		public static LineFull of(Pool pool, RequestPool requests) {
			// The slots it admits, not its capacity: under a concurrency limit, those are what was full.
			return new LineFull(pool, requests.admitting(), requests.snapshot().queued(), requests.retryAfterSeconds());
		}

	}

	/**
	 * Refused by the offload pool when the request was handed to it by a caller that only learns
	 * of the refusal, not the pool's counts (WebFlux, handing over a blocking-style handler).
	 *
	 * @param retryAfterSeconds seconds to wait before trying again, at least 1
	 */
	record OffloadRefused(int retryAfterSeconds) implements Unserved {

		public OffloadRefused {
			retryAfterSeconds = atLeastOne(retryAfterSeconds);
		}

		/** A refusal with no measured rate: try again in a second. */
		public OffloadRefused() {
			this(1);
		}

		/** Refused by {@code offload}, whose line takes its {@linkplain RequestPool#retryAfterSeconds() time} to drain. */
		public static OffloadRefused by(RequestPool offload) {
			return new OffloadRefused(offload.retryAfterSeconds());
		}

	}

	/**
	 * Given up at its deadline, still waiting or running.
	 *
	 * @param timeout the deadline, {@code server.timeout}
	 * @param retryAfterSeconds seconds to wait before trying again, at least 1
	 */
	record TimedOut(Duration timeout, int retryAfterSeconds) implements Unserved {

		public TimedOut {
			Objects.requireNonNull(timeout, "timeout");
			retryAfterSeconds = atLeastOne(retryAfterSeconds);
		}

		/** A timeout with no measured rate: try again in a second. */
		public TimedOut(Duration timeout) {
			this(timeout, 1);
		}

		/** Given up at the deadline of {@code requests}, whose line takes its time to drain. */
		public static TimedOut in(RequestPool requests) {
			return new TimedOut(requests.settings().timeout(), requests.retryAfterSeconds());
		}

	}

	// Retry-After: 0 would invite the client straight back into the line it just left.
	private static int atLeastOne(int seconds) {
		return Math.max(1, seconds);
	}

}
