package dev.workerclass.workers;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Workers whose slots are platform threads, one per slot: what {@link SyncWorkers} and
 * {@link ThreadWorkers} share. The container thread that read the request hands the handler to a
 * pool thread and waits (cheaply: it is virtual). The slots already bound the work in flight, so
 * the pool's queue only ever holds a handler for the instant between one request releasing its
 * thread and the thread picking up the next.
 * <p>
 * The hand-off costs two thread wake-ups per request. Running the container's whole task on a
 * worker when a slot is free, as plain Tomcat does, measured slower under load, so the hand-off
 * stays; it also lets the 503 of a timeout leave at the deadline while the handler still runs.
 */
public abstract class PlatformThreadWorkers extends Workers {

	// The pool whose task the current thread is running, for execute() from inside a task.
	private static final ThreadLocal<PlatformThreadWorkers> RUNNING_TASK = new ThreadLocal<>();

	private final ThreadPoolExecutor pool;

	/**
	 * How long after the deadline {@link #execute} interrupts a task: its caller (an event loop)
	 * keeps the same deadline and answers 503 at it, and that answer must go out before the
	 * interrupted handler's failure can race it.
	 */
	static final long ANSWER_FIRST_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	PlatformThreadWorkers(WorkerSettings settings, String threadNamePrefix) {
		super(settings, "workerclass-container-");
		int capacity = settings.capacity();
		ThreadFactory threads = Thread.ofPlatform().name(threadNamePrefix, 1).daemon(false).factory();
		this.pool = new ThreadPoolExecutor(capacity, capacity, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				threads);
	}

	@Override
	protected boolean runHandler(Handler handler, WorkerSlots.Ticket ticket, long deadline, Runnable atDeadline)
			throws Exception {
		ClassLoader containerClassLoader = Thread.currentThread().getContextClassLoader();
		// Whoever sets this first owns the slot's release: the task when it starts, or this thread
		// when it gives up on a task that never started.
		AtomicBoolean claimed = new AtomicBoolean();
		FutureTask<Void> task = new FutureTask<>(() -> {
			if (!claimed.compareAndSet(false, true)) {
				return null;
			}
			Thread worker = Thread.currentThread();
			ClassLoader own = worker.getContextClassLoader();
			worker.setContextClassLoader(containerClassLoader);
			try {
				handler.handle();
				return null;
			}
			finally {
				worker.setContextClassLoader(own);
				ticket.release();
			}
		});
		this.pool.execute(task);
		// The deadline is the alarm's: it seals the response, then interrupts this waiting thread.
		Alarm alarm = Alarm.interruptAt(Thread.currentThread(), deadline, atDeadline);
		try {
			task.get();
		}
		catch (InterruptedException ex) {
			boolean deadlinePassed = !alarm.disarm();
			if (deadlinePassed) {
				// Marked before the slot can be released: an adaptive limit backs off on it.
				ticket.drop();
			}
			giveUp(task, claimed, ticket);
			if (!deadlinePassed) {
				// Not the deadline: someone else interrupted this thread.
				throw ex;
			}
			// The deadline: the handler is interrupted and the 503 leaves now; its slot stays busy
			// until the handler really returns.
			return false;
		}
		catch (ExecutionException ex) {
			if (!alarm.disarm()) {
				// Failed after its deadline, likely because of the interrupt: the 503 stands.
				return false;
			}
			Throwable cause = ex.getCause();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			throw (Error) cause;
		}
		// Done, but the alarm may have rung (and sealed the response) a moment before.
		return alarm.disarm();
	}

	private static void giveUp(FutureTask<Void> task, AtomicBoolean claimed, WorkerSlots.Ticket ticket) {
		task.cancel(true);
		if (claimed.compareAndSet(false, true)) {
			ticket.release();
		}
	}

	/**
	 * Runs a task once a slot is free, without waiting for it: for callers that must not block
	 * (an event loop handing a blocking-style handler to the offload pool). A task still running
	 * after the timeout (and {@link #ANSWER_FIRST_NANOS}) is interrupted and counted. A task
	 * submitted from one of this pool's own threads runs at once on that thread: it is the next
	 * step of the request that already holds the slot (WebFlux hands a handler's argument
	 * resolution and its invocation over separately).
	 * @throws RejectedExecutionException if the line is full
	 */
	void execute(Runnable task) {
		if (RUNNING_TASK.get() == this) {
			task.run();
			return;
		}
		WorkerSlots.Ticket ticket = slots().acquire((granted) -> this.pool.execute(() -> {
			WorkerSettings current = settings();
			long deadline = current.hasTimeout()
					? System.nanoTime() + current.timeout().toNanos() + ANSWER_FIRST_NANOS : NO_DEADLINE;
			Alarm alarm = Alarm.interruptAt(Thread.currentThread(), deadline);
			RUNNING_TASK.set(this);
			try {
				task.run();
			}
			finally {
				RUNNING_TASK.remove();
				if (!alarm.disarm()) {
					countTimeout();
					granted.drop();
				}
				granted.release();
			}
		}));
		if (ticket.isRejected()) {
			throw new RejectedExecutionException("All " + slots().capacity() + " threads are busy and " + slots().queued()
					+ " tasks are waiting");
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
