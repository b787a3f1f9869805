package dev.workerclass.workload;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import dev.workerclass.workers.WorkersSnapshot;

import org.jspecify.annotations.Nullable;

/**
 * The thread that looks at the workload every {@code interval} ({@link Workload#tick}), and runs
 * {@code everyCheck} (the advice's check) every {@code checkInterval}. A daemon platform thread,
 * named {@code workerclass-workload} so that it counts among the starter's own threads.
 */
public final class WorkloadSampler implements AutoCloseable {

	private final Workload workload;

	private final Duration interval;

	private final Supplier<WorkersSnapshot> workers;

	private final Duration checkInterval;

	private final Runnable everyCheck;

	private volatile @Nullable Thread thread;

	/** No sample began this long ago: quiet. */
	static final long QUIET_AFTER_NANOS = 2_000_000_000L;

	/** How often a quiet sampler looks. */
	static final long QUIET_INTERVAL_NANOS = 1_000_000_000L;

	/**
	 * @param workload what it looks at
	 * @param interval how often it looks
	 * @param workers the workers' snapshot: requests in flight (busy) and idle slots
	 * @param checkInterval how often it runs {@code everyCheck}
	 * @param everyCheck the advice's check
	 */
	public WorkloadSampler(Workload workload, Duration interval, Supplier<WorkersSnapshot> workers,
			Duration checkInterval, Runnable everyCheck) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("interval must be positive, not " + interval);
		}
		this.workload = workload;
		this.interval = interval;
		this.workers = workers;
		this.checkInterval = checkInterval;
		this.everyCheck = everyCheck;
	}

	public synchronized void start() {
		if (this.thread != null) {
			return;
		}
		Thread started = Thread.ofPlatform().name("workerclass-workload").daemon().unstarted(this::run);
		this.thread = started;
		started.start();
	}

	public boolean isRunning() {
		return this.thread != null;
	}

	private void run() {
		long intervalNanos = this.interval.toNanos();
		long checkNanos = this.checkInterval.toNanos();
		long nextCheck = System.nanoTime() + checkNanos;
		while (this.thread == Thread.currentThread()) {
			// Each wake-up costs CPU (about 50 µs in the container measured): while no sample began
			// for a while, one look a second keeps the idle cost down.
			boolean quiet = !this.workload.sampledWithin(QUIET_AFTER_NANOS) && !this.workload.hasInFlight();
			if (quiet) {
				// The first sample to begin wakes it (one unpark per quiet spell, not per request).
				this.workload.quiet(Thread.currentThread());
				if (!this.workload.sampledWithin(QUIET_AFTER_NANOS)) {
					LockSupport.parkNanos(Math.max(intervalNanos, QUIET_INTERVAL_NANOS));
				}
				this.workload.quiet(null);
			}
			else {
				LockSupport.parkNanos(intervalNanos);
			}
			try {
				WorkersSnapshot snapshot = this.workers.get();
				this.workload.tick(snapshot.busy(), snapshot.idle());
				long now = System.nanoTime();
				if (now - nextCheck >= 0) {
					nextCheck = now + checkNanos;
					this.everyCheck.run();
				}
			}
			catch (RuntimeException ex) {
				// A pool that failed one reading (closed, say) must not end the measurement.
			}
		}
	}

	@Override
	public synchronized void close() {
		Thread running = this.thread;
		this.thread = null;
		if (running != null) {
			LockSupport.unpark(running);
		}
	}

}
