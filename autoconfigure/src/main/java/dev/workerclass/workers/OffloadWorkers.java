package dev.workerclass.workers;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * The offload pool: bounded platform threads for handlers that must not run where requests
 * normally run. Methods marked {@code @Blocking} run here whatever the worker class (the Java form
 * of gunicorn's advice to move a blocking C call into another process), and so do blocking-style
 * handlers under {@code reactive}, off the event loops. It is not one of the worker classes: it
 * has a pool of {@code server.offload-threads} platform threads with its own slots, line and
 * counters, and the workers' line bound and deadline.
 */
public final class OffloadWorkers implements RequestPool, AutoCloseable {

	private final Pool pool;

	public OffloadWorkers(WorkerSettings settings) {
		this.pool = new Pool(poolSettings(settings));
	}

	// One unit of offload-threads threads, with the workers' line bound (or ten per thread, at
	// least 100), deadline and grace period.
	private static WorkerSettings poolSettings(WorkerSettings settings) {
		int threads = settings.offloadThreads();
		Integer maxQueued = (settings.maxQueuedSetting() != null) ? settings.maxQueuedSetting()
				: Math.max(100, (int) Math.min(WorkerSettings.MAX_CAPACITY, 10L * threads));
		return WorkerSettings.builder()
			.workerClass(WorkerClass.THREAD.canonicalName())
			.workers(1)
			.maxWorkers(1)
			.threads(threads)
			.maxQueued(maxQueued)
			.gracefulTimeout(settings.gracefulTimeout())
			.timeout(settings.timeout())
			.offloadThreads(threads)
			.resolve(1);
	}

	/** Serves a {@code @Blocking} servlet handler on a pool thread, as {@link Workers#serve(Workers.Handler, Runnable)}. */
	@Override
	public Workers.Outcome serve(Workers.Handler handler, Runnable atDeadline) throws Exception {
		return this.pool.serve(handler, atDeadline);
	}

	/**
	 * Runs a task once a thread is free, without waiting for it: for callers that must not block
	 * (an event loop handing a blocking-style handler over). A task still running after the
	 * timeout is interrupted and counted. A task submitted from one of the pool's own threads runs
	 * at once on that thread: it is the next step of the request that already holds the slot.
	 * @throws RejectedExecutionException if the line is full
	 */
	public void execute(Runnable task) {
		this.pool.execute(task);
	}

	@Override
	public WorkersSnapshot snapshot() {
		return this.pool.snapshot();
	}

	@Override
	public WorkerSettings settings() {
		return this.pool.settings();
	}

	@Override
	public int retryAfterSeconds() {
		return this.pool.retryAfterSeconds();
	}

	@Override
	public int lineBound() {
		return this.pool.lineBound();
	}

	@Override
	public long refusals() {
		return this.pool.refusals();
	}

	@Override
	public long lastRefusalNanos() {
		return this.pool.lastRefusalNanos();
	}

	@Override
	public void sampleDrainRate() {
		this.pool.sampleDrainRate();
	}

	/** Threads in the pool. */
	public int threads() {
		return this.pool.settings().threads();
	}

	/** Stops the threads, waiting at most {@code grace} for handlers still running. */
	public void close(Duration grace) {
		this.pool.close(grace);
	}

	@Override
	public void close() {
		this.pool.close();
	}

	/** The platform threads behind the offload slots. */
	private static final class Pool extends PlatformThreadWorkers {

		Pool(WorkerSettings settings) {
			super(settings, "workerclass-offload-");
		}

	}

}
