package dev.workerclass.autoscale;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import dev.workerclass.workers.WorkersSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * Grows and shrinks the {@link Workers} with their load: a daemon thread,
 * {@value #THREAD_NAME}, takes a {@linkplain Workers#snapshot() snapshot} every
 * {@link AutoscaleSettings#interval() interval}, feeds it to an {@link AutoscalePolicy} and applies
 * its decisions with {@link Workers#resize}.
 * <p>
 * A resize made on any other thread (the {@code workers} endpoint, ttin, ttou) is a manual one:
 * the policy's cool-down starts and it goes on from the new size, even one below
 * {@code minWorkers} or above {@code maxWorkers}, which only its own rules move back. On workers
 * whose count is pinned, or once a resize fails, the autoscaler stops for good and keeps the
 * reason for its {@link #report()}, rather than retrying every interval.
 */
public final class Autoscaler implements AutoCloseable {

	/** The name of the sampling thread. */
	public static final String THREAD_NAME = "workerclass-autoscaler";

	private final Workers workers;

	private final AutoscaleSettings settings;

	private final Clock clock;

	private final List<Consumer<Decision>> listeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<String>> stopListeners = new CopyOnWriteArrayList<>();

	private final AtomicLong decisions = new AtomicLong();

	// Guards the policy, which the sampling thread feeds and a manual resize (on its own thread) resets.
	private final Object lock = new Object();

	private AutoscalePolicy policy;

	private volatile @Nullable Decision last;

	private volatile @Nullable String stopped;

	private volatile @Nullable Thread thread;

	/** The thread applying a decision now: its resize is this autoscaler's own, any other is manual. */
	private volatile @Nullable Thread resizing;

	/**
	 * @param workers the workers to resize; a manual resize of them is told apart from this
	 * autoscaler's own from now on
	 * @param settings how to decide
	 */
	public Autoscaler(Workers workers, AutoscaleSettings settings) {
		this(workers, settings, Clock.systemUTC());
	}

	/**
	 * @param clock the wall clock that stamps {@link Decision#at()}; sampling keeps monotonic time
	 */
	public Autoscaler(Workers workers, AutoscaleSettings settings, Clock clock) {
		this.workers = workers;
		this.settings = settings;
		this.clock = clock;
		this.policy = new AutoscalePolicy(settings);
		workers.onResize(this::resized);
	}

	public AutoscaleSettings settings() {
		return this.settings;
	}

	/** Calls {@code listener} with each decision once it is applied, on the sampling thread. */
	public void onDecision(Consumer<Decision> listener) {
		this.listeners.add(listener);
	}

	/** Calls {@code listener} with the reason once the autoscaler stops for good. */
	public void onStopped(Consumer<String> listener) {
		this.stopListeners.add(listener);
	}

	/**
	 * Starts sampling on a new thread, with a fresh policy: what was seen before a stop says
	 * nothing now. Does nothing if running, or if stopped for good; workers that cannot be resized
	 * stop it at once.
	 */
	public synchronized void start() {
		if (this.thread != null || this.stopped != null) {
			return;
		}
		String cannot = cannotResize(this.workers);
		if (cannot != null) {
			stopFor(cannot);
			return;
		}
		synchronized (this.lock) {
			this.policy = new AutoscalePolicy(this.settings);
		}
		Thread sampler = Thread.ofPlatform().name(THREAD_NAME).daemon().unstarted(this::run);
		this.thread = sampler;
		sampler.start();
	}

	/** Stops sampling and waits for the thread to end; a decision being applied completes first. */
	public void stop() {
		Thread sampler;
		synchronized (this) {
			sampler = this.thread;
			this.thread = null;
		}
		if (sampler == null) {
			return;
		}
		sampler.interrupt();
		if (sampler != Thread.currentThread()) {
			try {
				sampler.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void close() {
		stop();
	}

	/** Whether the sampling thread runs. */
	public boolean isRunning() {
		return this.thread != null;
	}

	/** Why the autoscaler stopped for good, or {@code null} if it has not. */
	public @Nullable String stoppedReason() {
		return this.stopped;
	}

	/** What it did and does now. */
	public AutoscaleReport report() {
		return new AutoscaleReport(isRunning(), this.settings.minWorkers(), this.settings.maxWorkers(),
				this.decisions.get(), this.last, this.stopped);
	}

	private void run() {
		long interval = this.settings.interval().toNanos();
		long next = System.nanoTime();
		while (this.thread == Thread.currentThread()) {
			next += interval;
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(this, wait);
			}
			else {
				// Late (a busy machine, a pause): sample now and keep the interval from here, not catch up.
				next = System.nanoTime();
			}
			if (Thread.interrupted() || this.thread != Thread.currentThread()) {
				return;
			}
			try {
				sample(System.nanoTime());
			}
			catch (RuntimeException ex) {
				stopFor("sampling failed: " + ex);
				return;
			}
		}
	}

	/** Takes one look, and applies the policy's decision if there is one. */
	void sample(long nanos) {
		String cannot = cannotResize(this.workers);
		if (cannot != null) {
			stopFor(cannot);
			return;
		}
		WorkersSnapshot snapshot = this.workers.snapshot();
		Load load = new Load(nanos, snapshot.workers(), snapshot.capacity(), snapshot.busy(), snapshot.queued());
		Optional<Decision> decision;
		synchronized (this.lock) {
			decision = this.policy.offer(load);
		}
		decision.ifPresent(this::apply);
	}

	private void apply(Decision decision) {
		if (this.workers.settings().workers() != decision.from()) {
			// Resized by hand since the look: that resize told the policy, and this decision is stale.
			return;
		}
		this.resizing = Thread.currentThread();
		try {
			this.workers.resize(decision.to(), null, null);
		}
		catch (RuntimeException ex) {
			stopFor("resize to " + decision.to() + " workers failed: " + ex.getMessage());
			return;
		}
		finally {
			this.resizing = null;
		}
		Decision recorded = decision.recordedAt(this.clock.instant());
		this.last = recorded;
		this.decisions.incrementAndGet();
		for (Consumer<Decision> listener : this.listeners) {
			try {
				listener.accept(recorded);
			}
			catch (RuntimeException ex) {
				// A listener's failure (a meter, a log) must not stop the scaling it reports on.
			}
		}
	}

	private void resized(WorkerSettings settings) {
		if (Thread.currentThread() == this.resizing) {
			return;
		}
		synchronized (this.lock) {
			this.policy.manualResize(System.nanoTime(), settings.workers());
		}
	}

	private void stopFor(String reason) {
		this.stopped = reason;
		synchronized (this) {
			if (this.thread == Thread.currentThread()) {
				this.thread = null;
			}
		}
		for (Consumer<String> listener : this.stopListeners) {
			try {
				listener.accept(reason);
			}
			catch (RuntimeException ex) {
				// As for decisions: reporting the stop must not fail it.
			}
		}
	}

	private static @Nullable String cannotResize(Workers workers) {
		if (workers instanceof ObservedWorkers) {
			return "no server.worker-class is set: the engine's own threads serve, and there are no workers to resize";
		}
		String pinned = workers.pinnedWorkerCountReason();
		return (pinned != null) ? "the worker count is pinned: " + pinned : null;
	}

}
