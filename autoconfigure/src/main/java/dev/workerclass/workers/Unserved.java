package dev.workerclass.workers;

import java.time.Duration;
import java.util.Objects;

/**
 * Why the application did not answer a request: there was no room in line, or it outlived its
 * deadline. It holds the facts the answer reports, the same from every engine; the web stacks
 * write the answer (503, {@code Retry-After}), since HTTP is theirs, not the core's.
 */
public sealed interface Unserved {

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
	 * @param capacity the pool's slots, all busy
	 * @param queued requests already waiting
	 */
	record LineFull(Pool pool, int capacity, int queued) implements Unserved {

		public LineFull {
			Objects.requireNonNull(pool, "pool");
		}

		/** The line of {@code pool} as {@code snapshot} saw it. */
		public static LineFull of(Pool pool, WorkersSnapshot snapshot) {
			return new LineFull(pool, snapshot.capacity(), snapshot.queued());
		}

	}

	/**
	 * Refused by the offload pool when the request was handed to it by a caller that only learns
	 * of the refusal, not the pool's counts (WebFlux, handing over a blocking-style handler).
	 */
	record OffloadRefused() implements Unserved {

	}

	/**
	 * Given up at its deadline, still waiting or running.
	 *
	 * @param timeout the deadline, {@code server.timeout}
	 */
	record TimedOut(Duration timeout) implements Unserved {

		public TimedOut {
			Objects.requireNonNull(timeout, "timeout");
		}

	}

}
