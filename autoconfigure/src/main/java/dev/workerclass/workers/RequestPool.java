package dev.workerclass.workers;

/**
 * Slots, a bounded line in front of them and the threads that run what they admit: the
 * {@link Workers} of the worker class, or the {@link OffloadWorkers offload pool} that serves
 * {@code @Blocking} handlers. A request filter hands a request to one or the other.
 */
public interface RequestPool {

	/**
	 * Serves one request: waits for a slot, runs the handler and returns once it is done, with its
	 * exception if it threw one; gives it up at the deadline, running {@code atDeadline} first.
	 * @see Workers#serve(Workers.Handler, Runnable)
	 */
	Workers.Outcome serve(Workers.Handler handler, Runnable atDeadline) throws Exception;

	/** The counters at this moment. */
	WorkersSnapshot snapshot();

	/** The settings the pool runs with now: its sizes and the per-request deadline. */
	WorkerSettings settings();

	/** Requests admitted at once now: the capacity, or a lower concurrency limit. */
	default int admitting() {
		return snapshot().capacity();
	}

	/**
	 * The seconds a client turned away by this pool should wait before it tries again, from the
	 * rate at which its line drains: at least 1.
	 */
	int retryAfterSeconds();

	/** Requests that may wait for a slot now; one more is turned away with 503. */
	int lineBound();

	/** Requests answered 503 so far, turned away with the line full or given up at their deadline. */
	long refusals();

	/**
	 * {@link System#nanoTime()} of the most recent of those 503s; only meaningful once
	 * {@link #refusals()} is above 0.
	 */
	long lastRefusalNanos();

	/** Measures the rate at which the line drains; called about once a second, from one thread at a time. */
	void sampleDrainRate();

	/**
	 * Whether a request served now may be given up at a deadline, so that its response must be
	 * sealable; {@code false} lets a filter hand the handler the container's response as it is.
	 */
	default boolean keepsDeadlines() {
		return settings().hasTimeout();
	}

}
