package dev.workerclass.workload;

/**
 * A pool in front of the work that requests may wait for, read by the sampler at each tick: a
 * JDBC pool, or the offload pool. Its readings must be cheap and must not block.
 */
public interface PoolGauge {

	/** What kind of pool it is. */
	enum Kind {

		/** A JDBC connection pool (HikariCP's {@code HikariPoolMXBean}). */
		JDBC,

		/** The starter's offload pool ({@code @Blocking} handlers, blocking-style handlers under reactive). */
		OFFLOAD

	}

	Kind kind();

	/** Its name, as its owner calls it: {@code HikariPool-1}, {@code offload}. */
	String name();

	/** Connections or threads it has at most. */
	int size();

	/** Connections or threads in use now. */
	int busy();

	/** Threads or tasks waiting for one now. */
	int waiting();

}
