package dev.workerclass.workers;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * What serves when no {@code server.worker-class} is set: the engine's own threads, exactly as in
 * a plain Spring Boot app. These workers only count the requests they see, so that the endpoint
 * and the meters report what runs: no slots, no line, no deadline, no hand-off to other threads,
 * and no resize (there is nothing of ours to resize). Choosing a class replaces them with the
 * class's own workers and turns gunicorn's limits on.
 */
public final class ObservedWorkers extends Workers {

	private final AtomicInteger busy = new AtomicInteger();

	private final LongAdder completed = new LongAdder();

	private final String why;

	/**
	 * @param settings the model the engine runs (thread, or virtual with Spring Boot's virtual
	 * threads) and its nominal sizes, which are reported but not enforced
	 * @param why why these workers only observe, said when a resize is refused
	 */
	public ObservedWorkers(WorkerSettings settings, String why) {
		super(settings, "workerclass-observed-");
		this.why = why;
	}

	/** Runs the handler where it is, on the engine's thread, and counts it. */
	@Override
	public Outcome serve(Handler handler, Runnable atDeadline) throws Exception {
		this.busy.incrementAndGet();
		try {
			handler.handle();
		}
		finally {
			this.busy.decrementAndGet();
			this.completed.increment();
		}
		return Outcome.SERVED;
	}

	/** These workers keep no deadline, whatever {@code server.timeout} says: the engine's own threads serve as in plain Boot. */
	@Override
	public boolean keepsDeadlines() {
		return false;
	}

	@Override
	public long completed() {
		return this.completed.sum();
	}

	/**
	 * Counts a request that the engine runs on its own, asynchronously (an event loop): call the
	 * returned action once when it ends, however it ends.
	 */
	public Runnable begin() {
		this.busy.incrementAndGet();
		AtomicBoolean ended = new AtomicBoolean();
		return () -> {
			if (ended.compareAndSet(false, true)) {
				this.busy.decrementAndGet();
				this.completed.increment();
			}
		};
	}

	@Override
	public WorkerSlots.Ticket admit(Runnable onAdmitted) {
		throw new UnsupportedOperationException("Observed workers admit nothing: the engine serves on its own");
	}

	@Override
	public synchronized WorkersSnapshot resize(@Nullable Integer workers, @Nullable Integer threads,
			@Nullable Integer workerConnections) {
		WorkerSettings current = settings();
		String property = (workers != null) ? "workers" : (threads != null) ? "threads" : "workerConnections";
		Integer value = (workers != null) ? workers : (threads != null) ? threads : workerConnections;
		throw new InvalidWorkerSettingException(property, value, "no resize: " + this.why
				+ ". Set server.worker-class (" + current.workerClass().canonicalName()
				+ " keeps this model) to let the starter run and resize the workers");
	}

	@Override
	public WorkersSnapshot snapshot() {
		WorkerSettings current = settings();
		return new WorkersSnapshot(current.workerClass(), current.workers(), current.threads(),
				current.workerConnections(), current.capacity(), this.busy.get(), 0, this.completed.sum(), 0, 0, 0,
				current.workers(), 0, startedAt());
	}

	/** The engine's own threads stop with the engine; nothing of ours to wait for. */
	@Override
	public void close(Duration grace) {
	}

}
