package dev.workerclass.workers;

import dev.workerclass.workers.WorkerModel.PerWorker;
import dev.workerclass.workers.WorkerModel.ThreadKind;

/**
 * gunicorn's {@code gthread}: {@code workers × threads} platform threads serving requests,
 * while idle keep-alive connections wait on the engine's poller, not on a thread. With the
 * defaults (1 × 200) this is the pool a plain Spring Boot app has on Tomcat. Connections are
 * kept alive, and the engine's own connection limit stays, raised to
 * {@link WorkerSettings#connectionLimit()} if lower.
 */
public final class ThreadWorkers extends PlatformThreadWorkers {

	/** Default {@code server.threads}: the pool a plain Spring Boot app has on Tomcat. */
	static final int DEFAULT_THREADS = 200;

	/** What thread is. */
	static final WorkerModel MODEL = new WorkerModel(ThreadKind.PLATFORM, PerWorker.THREADS, (cores) -> 1,
			DEFAULT_THREADS, true, false, ThreadWorkers::new);

	public ThreadWorkers(WorkerSettings settings) {
		super(settings, "workerclass-thread-");
	}

}
