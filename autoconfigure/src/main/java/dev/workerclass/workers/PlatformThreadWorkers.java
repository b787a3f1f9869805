package dev.workerclass.workers;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Workers whose slots are platform threads, one per slot: what {@link SyncWorkers} and
 * {@link ThreadWorkers} share. The container thread that read the request hands the handler to a
 * pool thread and waits (cheaply: it is virtual). The slots already bound the work in flight, so
 * the pool's queue only ever holds a handler for the instant between one request releasing its
 * thread and the thread picking up the next.
 */
abstract class PlatformThreadWorkers extends Workers {

	private final ThreadPoolExecutor pool;

	PlatformThreadWorkers(WorkerSettings settings, String threadNamePrefix) {
		super(settings, "workerclass-io-");
		int capacity = settings.capacity();
		ThreadFactory threads = Thread.ofPlatform().name(threadNamePrefix, 1).daemon(false).factory();
		this.pool = new ThreadPoolExecutor(capacity, capacity, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				threads);
	}

	@Override
	protected void runHandler(Handler handler) throws Exception {
		ClassLoader containerClassLoader = Thread.currentThread().getContextClassLoader();
		FutureTask<Void> task = new FutureTask<>(() -> {
			Thread worker = Thread.currentThread();
			ClassLoader own = worker.getContextClassLoader();
			worker.setContextClassLoader(containerClassLoader);
			try {
				handler.handle();
				return null;
			}
			finally {
				worker.setContextClassLoader(own);
			}
		});
		this.pool.execute(task);
		try {
			task.get();
		}
		catch (InterruptedException ex) {
			task.cancel(true);
			throw ex;
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			throw (Error) cause;
		}
	}

	@Override
	protected void sizesChanged(WorkerSettings settings) {
		int capacity = settings.capacity();
		// Order matters: core may never exceed max.
		if (capacity > this.pool.getMaximumPoolSize()) {
			this.pool.setMaximumPoolSize(capacity);
			this.pool.setCorePoolSize(capacity);
		}
		else {
			this.pool.setCorePoolSize(capacity);
			this.pool.setMaximumPoolSize(capacity);
		}
	}

	/** Threads alive in the pool now (idle ones included). */
	public int poolSize() {
		return this.pool.getPoolSize();
	}

	@Override
	public void close(Duration grace) {
		this.pool.shutdown();
		try {
			if (!this.pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				this.pool.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.pool.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

}
