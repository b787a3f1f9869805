package dev.workerclass.workers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

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
public abstract class Workers implements RequestPool, AutoCloseable {

	private final WorkerSlots slots;

	/** A deadline that never comes. */
	protected static final long NO_DEADLINE = Long.MAX_VALUE;

	/** The longest {@code Retry-After} without {@code server.timeout}. */
	static final int MAX_RETRY_AFTER_SECONDS = 60;

	private final Instant startedAt = Instant.now();

	private final LongAdder timedOut = new LongAdder();

	/** {@link System#nanoTime()} of the last timeout; meaningful once {@link #timedOut} is above 0. */
	private volatile long lastTimeoutNanos;

	private final List<Consumer<WorkerSettings>> resizeListeners = new CopyOnWriteArrayList<>();

	private final LongAdder resizes = new LongAdder();

	private final DrainRate drainRate = new DrainRate();

	/** Whether every slot was busy at the previous sample; read and written by the sampling thread only. */
	private boolean saturatedAtLastSample;

	private final ThreadFactory containerThreads;

	private final Executor containerExecutor;

	private volatile WorkerSettings settings;

	/** Why the worker count cannot change on this engine; {@code null} while it can. */
	private volatile @Nullable String pinnedWorkerCountReason;

	protected Workers(WorkerSettings settings, String containerThreadPrefix) {
		this.settings = settings;
		this.slots = new WorkerSlots(settings.capacity(), settings.maxQueued());
		this.containerThreads = Thread.ofVirtual().name(containerThreadPrefix, 1).factory();
		this.containerExecutor = (task) -> this.containerThreads.newThread(task).start();
	}

	/** Creates the workers for the settings' class. */
	public static Workers create(WorkerSettings settings) {
		return settings.workerClass().newWorkers(settings);
	}

	/** The settings in force now (a resize changes the sizes). */
	@Override
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
	 * With a {@linkplain WorkerSettings#timeout() timeout}, a request that is still waiting or
	 * running at its deadline is given up: it leaves the line, or its handler thread is
	 * interrupted (its slot stays busy until the handler really returns).
	 * @return what became of the request; on {@link Outcome#REJECTED} and {@link Outcome#TIMED_OUT}
	 * the caller answers 503
	 * @throws InterruptedException if the container thread was interrupted while waiting
	 */
	public Outcome serve(Handler handler) throws Exception {
		return serve(handler, () -> {
		});
	}

	/**
	 * As {@link #serve(Handler)}, running {@code atDeadline} when a running handler is given up,
	 * before its thread is interrupted: the place to stop the handler's writes (an interrupted
	 * thread's next channel operation closes the connection, and the 503 with it).
	 */
	@Override
	public Outcome serve(Handler handler, Runnable atDeadline) throws Exception {
		WorkerSettings current = this.settings;
		long deadline = current.hasTimeout() ? System.nanoTime() + current.timeout().toNanos() : NO_DEADLINE;
		// A free slot is taken at once; otherwise this thread parks in line until granted or due.
		WorkerSlots.Ticket ticket = this.slots.acquire();
		if (ticket.isRejected()) {
			return Outcome.REJECTED;
		}
		boolean inTime;
		try {
			inTime = ticket.isGranted() || ticket.await(deadline);
		}
		catch (InterruptedException ex) {
			ticket.release();
			throw ex;
		}
		if (inTime) {
			inTime = runHandler(handler, ticket, deadline, atDeadline);
		}
		else {
			ticket.release();
		}
		if (!inTime) {
			countTimeout();
			return Outcome.TIMED_OUT;
		}
		return Outcome.SERVED;
	}

	/** Counts a request given up at its deadline by an engine that keeps time itself (event loops). */
	public void countTimeout() {
		this.lastTimeoutNanos = System.nanoTime();
		this.timedOut.increment();
	}

	/** Requests answered 503 so far: turned away with the line full, or given up at their deadline. */
	@Override
	public long refusals() {
		return this.slots.rejected() + this.timedOut.sum();
	}

	/**
	 * {@link System#nanoTime()} of the most recent 503 (a rejection or a timeout); only meaningful
	 * once {@link #refusals()} is above 0.
	 */
	@Override
	public long lastRefusalNanos() {
		long rejected = this.slots.lastRejectedNanos();
		long timedOut = this.lastTimeoutNanos;
		if (this.slots.rejected() == 0) {
			return timedOut;
		}
		if (this.timedOut.sum() == 0) {
			return rejected;
		}
		// nanoTime values compare by their difference: they may wrap.
		return (rejected - timedOut > 0) ? rejected : timedOut;
	}

	/**
	 * Runs an admitted handler on this class's kind of thread, waits for it and then releases the
	 * ticket. The base runs it where it is, which is right when container threads are the class's
	 * threads (virtual): at the deadline an alarm interrupts this thread.
	 * @return {@code false} if the deadline passed (the handler's exception, likely caused by the
	 * interrupt, is then dropped)
	 */
	protected boolean runHandler(Handler handler, WorkerSlots.Ticket ticket, long deadline, Runnable atDeadline)
			throws Exception {
		Alarm alarm = Alarm.interruptAt(Thread.currentThread(), deadline, atDeadline);
		try {
			handler.handle();
		}
		catch (Exception ex) {
			if (!alarm.disarm()) {
				return false;
			}
			throw ex;
		}
		finally {
			if (!alarm.disarm()) {
				// Given up at the deadline: marked before the release, so an adaptive limit backs off.
				ticket.drop();
			}
			ticket.release();
		}
		return !alarm.rang();
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
	public synchronized WorkersSnapshot resize(@Nullable Integer workers, @Nullable Integer threads,
			@Nullable Integer workerConnections) {
		WorkerSettings resized = this.settings.resized(workers, threads, workerConnections, "workers", "threads",
				"workerConnections");
		String pinned = this.pinnedWorkerCountReason;
		if (pinned != null && resized.workers() != this.settings.workers()) {
			throw new InvalidWorkerSettingException("workers", workers,
					this.settings.workers() + ", the current count: " + pinned);
		}
		int capacity = resized.capacity();
		boolean growing = capacity > this.slots.capacity();
		if (growing) {
			sizesChanged(resized);
		}
		this.settings = resized;
		this.slots.setMaxQueued(resized.maxQueued());
		this.slots.setCapacity(capacity);
		if (!growing) {
			sizesChanged(resized);
		}
		this.resizeListeners.forEach((listener) -> listener.accept(resized));
		this.resizes.increment();
		return snapshot();
	}

	/**
	 * Pins the number of workers, for an engine that cannot change it while it runs: a resize that
	 * asks for another count is refused with {@code reason}; the other sizes may still change.
	 */
	public void pinWorkerCount(String reason) {
		this.pinnedWorkerCountReason = reason;
	}

	/**
	 * Admits at most {@code limit} requests at once (never more than the capacity): the knob of an
	 * adaptive concurrency limit. Requests over it wait in the line or are refused, as over the capacity.
	 */
	public void limitConcurrency(int limit) {
		this.slots.setLimit(limit);
	}

	/** Requests admitted at once now: the capacity, or a lower {@linkplain #limitConcurrency(int) limit}. */
	@Override
	public int admitting() {
		return this.slots.admitting();
	}

	/**
	 * Makes the line as long as the {@linkplain #limitConcurrency(int) limit} (never longer than
	 * {@code server.max-queued}'s value), so that requests over the limit wait about one service
	 * time, or are refused fast, instead of queueing into seconds.
	 */
	public void followLimitWithLine() {
		this.slots.followLimitWithLine(true);
	}

	/** Requests that may wait now. */
	@Override
	public int lineBound() {
		return this.slots.lineBound();
	}

	/** Tells {@code observer} of each admitted request when it ends (see {@link SlotObserver}). */
	public void observeSlots(@Nullable SlotObserver observer) {
		this.slots.observe(observer);
	}

	/**
	 * Why the worker count cannot change on this engine, as {@link #pinWorkerCount} was told, or
	 * {@code null} while it can: an autoscaler reads it to stop rather than try in vain.
	 */
	public @Nullable String pinnedWorkerCountReason() {
		return this.pinnedWorkerCountReason;
	}

	/** Called with the new settings after every resize; engines use it to follow (connection limits, event loops). */
	public void onResize(Consumer<WorkerSettings> listener) {
		this.resizeListeners.add(listener);
	}

	/** Requests served so far (each took a slot and gave it back): a cheap count of work done. */
	public long completed() {
		return this.slots.completed();
	}

	/**
	 * Measures how fast the line drains, once a second or so, from one thread at a time. Only an
	 * interval during which every slot was busy counts (busy at its start and its end): with a
	 * free slot the workers complete what arrives, not what they could, and an idle minute would
	 * otherwise tell the next refused client to wait a minute.
	 */
	@Override
	public void sampleDrainRate() {
		long now = System.nanoTime();
		long completed = completed();
		// Every admitted slot: under a concurrency limit, fewer than the capacity are ever busy.
		boolean saturated = this.slots.busy() >= this.slots.admitting();
		if (saturated && this.saturatedAtLastSample) {
			this.drainRate.sample(now, completed);
		}
		else {
			this.drainRate.skip(now, completed);
		}
		this.saturatedAtLastSample = saturated;
	}

	/**
	 * The seconds a refused or timed-out client should wait before it tries again: the time the
	 * line, with the client at its end, takes to drain at the measured rate, rounded up; at least 1
	 * and at most {@code server.timeout} (or 60 without one), and 1 while no rate is measured yet.
	 */
	@Override
	public int retryAfterSeconds() {
		return retryAfterSeconds(this.drainRate, this.slots.queued(), this.settings);
	}

	static int retryAfterSeconds(DrainRate drainRate, int queued, WorkerSettings settings) {
		if (!drainRate.isKnown()) {
			return 1;
		}
		long most = settings.hasTimeout() ? Math.max(1, ceilSeconds(settings.timeout())) : MAX_RETRY_AFTER_SECONDS;
		double rate = drainRate.perSecond();
		if (rate <= 0) {
			return (int) Math.min(most, Integer.MAX_VALUE);
		}
		double seconds = Math.ceil((queued + 1) / rate);
		return (int) Math.max(1, Math.min(most, seconds));
	}

	private static long ceilSeconds(Duration duration) {
		long seconds = duration.toSeconds();
		return (duration.toNanosPart() > 0) ? seconds + 1 : seconds;
	}

	/** The counters at this moment. */
	@Override
	public WorkersSnapshot snapshot() {
		WorkerSettings current = this.settings;
		return new WorkersSnapshot(current.workerClass(), current.workers(), current.threads(),
				current.workerConnections(), this.slots.capacity(), this.slots.busy(), this.slots.queued(),
				this.slots.completed(), this.slots.rejected(), this.timedOut.sum(), this.resizes.sum(),
				current.maxWorkers(),
				this.slots.maxQueued(), this.startedAt);
	}

	/** Stops the threads, waiting at most {@code grace} for requests still running. */
	public abstract void close(Duration grace);

	@Override
	public void close() {
		Duration grace = this.settings.gracefulTimeout();
		close((grace != null) ? grace : Duration.ofSeconds(30));
	}

	/** When these workers started. */
	protected Instant startedAt() {
		return this.startedAt;
	}

	protected WorkerSlots slots() {
		return this.slots;
	}

	/** What became of a request handed to {@link #serve}. */
	public enum Outcome {

		/** The handler ran and returned (or threw) before the deadline. */
		SERVED,

		/** The line was full: refused at once. */
		REJECTED,

		/** Still waiting or running at the deadline: given up, its handler interrupted. */
		TIMED_OUT

	}

	/** A request handler as the engine runs it (the rest of a servlet filter chain, say). */
	@FunctionalInterface
	public interface Handler {

		void handle() throws Exception;

	}

}
