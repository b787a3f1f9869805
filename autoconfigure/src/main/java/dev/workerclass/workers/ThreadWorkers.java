package dev.workerclass.workers;

/**
 * gunicorn's {@code gthread}: {@code workers × threads} platform threads serving requests,
 * while idle keep-alive connections wait on the engine's poller, not on a thread. With the
 * defaults (1 × 200) this is the pool a plain Spring Boot app has on Tomcat.
 */
public final class ThreadWorkers extends PlatformThreadWorkers {

	public ThreadWorkers(WorkerSettings settings) {
		super(settings, "workerclass-thread-");
	}

}
