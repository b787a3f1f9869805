package dev.workerclass.workers;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * What every worker class is, as gunicorn's {@code workers/base.py} is to {@code sync.py},
 * {@code gthread.py} and {@code ggevent.py}: a number of slots (the capacity) and a way to run an
 * admitted request. A servlet container hands each request to {@link #execute}; an event-loop
 * engine, which runs requests itself, asks for a slot with {@link #admit} instead.
 * <p>
 * Request path: engine → {@code execute}/{@code admit} (takes a slot or waits) → the app → slot
 * released. The endpoint and meters only read {@link #snapshot()} and call {@link #resize}.
 */
public abstract class Workers implements Executor, AutoCloseable {

	private final WorkerSlots slots;

	private final Instant startedAt = Instant.now();

	private volatile WorkerSettings settings;

	protected Workers(WorkerSettings settings) {
		this.settings = settings;
		this.slots = new WorkerSlots(settings.capacity());
	}

	/** Creates the workers for the settings' class. */
	public static Workers create(WorkerSettings settings) {
		return switch (settings.workerClass()) {
			case SYNC -> new SyncWorkers(settings);
			case THREAD -> new ThreadWorkers(settings);
			case VIRTUAL -> new VirtualWorkers(settings);
			case REACTIVE -> new ReactiveWorkers(settings);
		};
	}

	/** The settings in force now (a resize changes {@code workers}). */
	public WorkerSettings settings() {
		return this.settings;
	}

	public WorkerClass workerClass() {
		return this.settings.workerClass();
	}

	/**
	 * Runs a request once a slot is free; until then it waits in line. Never blocks the caller
	 * (a container's poller thread) and never rejects.
	 */
	@Override
	public void execute(Runnable request) {
		this.slots.acquire((ticket) -> dispatch(() -> {
			try {
				request.run();
			}
			finally {
				ticket.release();
			}
		}));
	}

	/**
	 * Takes a slot for a request that the engine runs itself; {@code onAdmitted} runs once it holds
	 * one. The caller must {@link WorkerSlots.Ticket#release() release} the ticket when the request
	 * ends, however it ends.
	 */
	public WorkerSlots.Ticket admit(Runnable onAdmitted) {
		return this.slots.acquire((ticket) -> onAdmitted.run());
	}

	/** Starts an admitted request on this class's kind of thread. */
	protected abstract void dispatch(Runnable admitted);

	/** Lets the threads behind the slots follow a new capacity. */
	protected void capacityChanged(int capacity) {
	}

	/**
	 * Changes the number of workers now. Growing admits waiting requests at once; shrinking lets
	 * busy workers finish their request first. The caller validates the number.
	 */
	public synchronized void resize(int workers) {
		WorkerSettings resized = this.settings.withWorkers(workers);
		int capacity = resized.capacity();
		if (capacity > this.slots.limit()) {
			capacityChanged(capacity);
			this.settings = resized;
			this.slots.setLimit(capacity);
		}
		else {
			this.settings = resized;
			this.slots.setLimit(capacity);
			capacityChanged(capacity);
		}
	}

	/** The counters at this moment. */
	public WorkersSnapshot snapshot() {
		WorkerSettings current = this.settings;
		return new WorkersSnapshot(current.workerClass(), current.workers(), current.threads(),
				current.workerConnections(), this.slots.limit(), this.slots.busy(), this.slots.queued(),
				this.slots.completed(), this.startedAt);
	}

	/** Stops the threads, waiting at most {@code grace} for requests still running. */
	public abstract void close(Duration grace);

	@Override
	public void close() {
		Duration grace = this.settings.gracefulTimeout();
		close((grace != null) ? grace : Duration.ofSeconds(30));
	}

	protected WorkerSlots slots() {
		return this.slots;
	}

}
