package dev.workerclass.workers;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * gunicorn's {@code tornado}/{@code aiohttp}: {@code workers} event-loop threads that must never
 * block. The engine runs requests on its loops and takes a slot per request with
 * {@link #admit}; at most {@code workers × worker-connections} are in flight.
 * <p>
 * Handlers written in blocking style (a controller method that returns a plain value) run on a
 * bounded pool of platform threads, the {@linkplain #offloadExecutor() offload pool}, so that
 * they never hold a loop.
 */
public final class ReactiveWorkers extends Workers {

	/** Threads in the offload pool for blocking-style handlers. */
	public static final int DEFAULT_OFFLOAD_THREADS = 200;

	private final ThreadPoolExecutor offload;

	public ReactiveWorkers(WorkerSettings settings) {
		// The engine runs its own loops; container threads serve only servlet engines.
		super(settings, "workerclass-io-");
		this.offload = new ThreadPoolExecutor(DEFAULT_OFFLOAD_THREADS, DEFAULT_OFFLOAD_THREADS, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), Thread.ofPlatform().name("workerclass-offload-", 1).factory());
		this.offload.allowCoreThreadTimeOut(true);
	}

	/** The number of event-loop threads: one per worker. */
	public int eventLoops() {
		return settings().workers();
	}

	/** Where blocking-style handlers run. */
	public Executor offloadExecutor() {
		return this.offload;
	}

	/** Threads of the offload pool running a handler now. */
	public int offloadBusy() {
		return this.offload.getActiveCount();
	}

	/** Size of the offload pool. */
	public int offloadThreads() {
		return this.offload.getMaximumPoolSize();
	}

	@Override
	public void close(Duration grace) {
		this.offload.shutdown();
		try {
			if (!this.offload.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				this.offload.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.offload.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

}
