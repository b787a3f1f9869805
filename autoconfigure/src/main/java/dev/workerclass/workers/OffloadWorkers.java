package dev.workerclass.workers;

import java.util.List;

/**
 * The offload pool: bounded platform threads for handlers that must not run where requests
 * normally run. Methods marked {@code @Blocking} run here whatever the worker class (the Java form
 * of gunicorn's advice to move a blocking C call into another process), and so do blocking-style
 * handlers under {@code reactive}, off the event loops. It has its own slots, line and counters.
 */
public final class OffloadWorkers extends PlatformThreadWorkers {

	public OffloadWorkers(WorkerSettings settings) {
		super(poolSettings(settings), "workerclass-offload-");
	}

	// A pool of offload-threads threads with the workers' line bound and deadline.
	private static WorkerSettings poolSettings(WorkerSettings settings) {
		int threads = settings.offloadThreads();
		Integer maxQueued = (settings.maxQueuedSetting() != null) ? settings.maxQueuedSetting()
				: Math.max(100, (int) Math.min(WorkerSettings.MAX_CAPACITY, 10L * threads));
		return new WorkerSettings(WorkerClass.THREAD, 1, threads, 1, null, null, settings.gracefulTimeout(), 1,
				maxQueued, List.of(), settings.timeout(), threads);
	}

	/** Threads in the pool. */
	public int threads() {
		return settings().threads();
	}

}
