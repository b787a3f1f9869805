package dev.workerclass.workers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What every worker class is, as gunicorn's {@code workers/base.py} is to {@code sync.py},
 * {@code gthread.py} and {@code ggevent.py}: a number of slots (the capacity), a bounded line in
 * front of them, and a kind of thread that runs an admitted request.
 * <p>
 * A request's path: the engine reads it on a {@linkplain #containerExecutor() container thread},
 * then {@link #serve} takes a slot (or waits in line, or is rejected), runs the handler on this
 * class's thread and gives the slot back. An event-loop engine, which runs requests itself, asks
 * for a slot with {@link #admit} instead. Requests of the control plane (the {@code workers}
 * endpoint) skip the slots, so they are answered when every worker is busy, as gunicorn's
 * signals reach the arbiter and not a worker. The endpoint and meters only read
 * {@link #snapshot()} and call {@link #resize}.
 */
public abstract class Workers implements AutoCloseable {

	private final WorkerSlots slots;

	private final Instant startedAt = Instant.now();

	private final List<Consumer<WorkerSettings>> resizeListeners = new CopyOnWriteArrayList<>();

	private final LongAdder resizes = new LongAdder();

	private final ThreadFactory containerThreads;

	private final Executor containerExecutor;

	private volatile WorkerSettings settings;

	protected Workers(WorkerSettings settings, String containerThreadPrefix) {
		this.settings = settings;
		this.slots = new WorkerSlots(settings.capacity(), settings.maxQueued());
		this.containerThreads = Thread.ofVirtual().name(containerThreadPrefix, 1).factory();
		this.containerExecutor = (task) -> this.containerThreads.newThread(task).start();
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

	/** The settings in force now (a resize changes the sizes). */
	public WorkerSettings settings() {
		return this.settings;
	}

	public WorkerClass workerClass() {
		return this.settings.workerClass();
	}

	/**
	 * Where a servlet container runs its own work: reading a request, writing a response, and
	 * waiting in line for a slot. One virtual thread per task, so that waiting costs no platform
	 * thread and the control plane always finds a thread to run on; the slots, not this executor,
	 * bound the work.
	 */
	public Executor containerExecutor() {
		return this.containerExecutor;
	}

	/**
	 * Serves one request from a container thread: waits for a slot, runs the handler on this
	 * class's kind of thread, and returns once it is done, with its exception if it threw one.
	 * @return {@code false} if the line was full and the request was not served (the caller answers 503)
	 * @throws InterruptedException if the container thread was interrupted while waiting
	 */
	public boolean serve(Handler handler) throws Exception {
		CompletableFuture<Void> admitted = new CompletableFuture<>();
		WorkerSlots.Ticket ticket = this.slots.acquire((granted) -> admitted.complete(null));
		if (ticket.isRejected()) {
			return false;
		}
		try {
			awaitSlot(admitted);
			runHandler(handler);
			return true;
		}
		finally {
			ticket.release();
		}
	}

	private static void awaitSlot(CompletableFuture<Void> admitted) throws InterruptedException {
		try {
			admitted.get();
		}
		catch (ExecutionException ex) {
			// Never completed exceptionally; only a grant completes it.
			throw new IllegalStateException(ex.getCause());
		}
	}

	/**
	 * Runs an admitted handler on this class's kind of thread and waits for it. The base runs it
	 * where it is, which is right when container threads are the class's threads (virtual).
	 */
	protected void runHandler(Handler handler) throws Exception {
		handler.handle();
	}

	/**
	 * Takes a slot for a request that the engine runs itself; {@code onAdmitted} runs once it holds
	 * one. Unless the ticket is {@linkplain WorkerSlots.Ticket#isRejected() rejected}, the caller must
	 * {@link WorkerSlots.Ticket#release() release} it when the request ends, however it ends.
	 */
	public WorkerSlots.Ticket admit(Runnable onAdmitted) {
		return this.slots.acquire((ticket) -> onAdmitted.run());
	}

	/** Lets the threads behind the slots follow new sizes, before the slots grow or after they shrink. */
	protected void sizesChanged(WorkerSettings settings) {
	}

	/**
	 * Changes the sizes now: {@code null} keeps a size. Growing admits waiting requests at once;
	 * shrinking lets busy workers finish their request first, then admits fewer.
	 * @throws InvalidWorkerSettingException if a size is out of range; nothing changes then
	 */
	public synchronized WorkersSnapshot resize(Integer workers, Integer threads, Integer workerConnections) {
		WorkerSettings resized = this.settings.resized(workers, threads, workerConnections, "workers", "threads",
				"workerConnections");
		int capacity = resized.capacity();
		boolean growing = capacity > this.slots.limit();
		if (growing) {
			sizesChanged(resized);
		}
		this.settings = resized;
		this.slots.setMaxQueued(resized.maxQueued());
		this.slots.setLimit(capacity);
		if (!growing) {
			sizesChanged(resized);
		}
		this.resizeListeners.forEach((listener) -> listener.accept(resized));
		this.resizes.increment();
		return snapshot();
	}

	/** Called with the new settings after every resize; engines use it to follow (connection limits, event loops). */
	public void onResize(Consumer<WorkerSettings> listener) {
		this.resizeListeners.add(listener);
	}

	/** The counters at this moment. */
	public WorkersSnapshot snapshot() {
		WorkerSettings current = this.settings;
		return new WorkersSnapshot(current.workerClass(), current.workers(), current.threads(),
				current.workerConnections(), this.slots.limit(), this.slots.busy(), this.slots.queued(),
				this.slots.completed(), this.slots.rejected(), this.resizes.sum(), current.maxWorkers(),
				this.slots.maxQueued(), this.startedAt);
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

	/** A request handler as the engine runs it (the rest of a servlet filter chain, say). */
	@FunctionalInterface
	public interface Handler {

		void handle() throws Exception;

	}

}
