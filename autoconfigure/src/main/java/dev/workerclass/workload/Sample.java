package dev.workerclass.workload;

import java.lang.management.ThreadMXBean;

import org.jspecify.annotations.Nullable;

/**
 * One sampled request, from {@link Workload#start()} to {@link #end(String)} or {@link #discard()},
 * both called once by whoever started it. How its CPU share is measured is fixed at the start by
 * the thread it runs on: the thread's CPU time on a platform thread that the JVM measures, the
 * state sampler's looks at the thread otherwise, nothing when {@code thread} is {@code null} (an
 * event loop, where a request is not one thread's).
 */
public final class Sample {

	enum Mode {

		CPU_TIME, THREAD_STATES, NONE

	}

	private final Workload workload;

	final Mode mode;

	final @Nullable Thread thread;

	private final long startNanos;

	private final long startCpuNanos;

	private final long startQueuedNanos;

	// Written by the sampler thread only, read once the sample left the in-flight set.
	volatile int runnableTicks;

	volatile int waitingTicks;

	Sample(Workload workload, Mode mode, @Nullable Thread thread, @Nullable ThreadMXBean threads) {
		this.workload = workload;
		this.mode = mode;
		this.thread = thread;
		this.startQueuedNanos = (mode == Mode.CPU_TIME) ? workload.queuedNanosOfCurrentThread() : -1;
		this.startCpuNanos = (mode == Mode.CPU_TIME && threads != null) ? threads.getCurrentThreadCpuTime() : 0;
		this.startNanos = System.nanoTime();
	}

	/**
	 * Ends the sample on the thread that started it (a platform thread's CPU time is its own).
	 * @param route the route it took, or {@code null} when no handler mapping matched
	 */
	public void end(@Nullable String route) {
		long wallNanos = System.nanoTime() - this.startNanos;
		long cpuNanos = -1;
		long queuedNanos = -1;
		if (this.mode == Mode.CPU_TIME) {
			ThreadMXBean threads = this.workload.threads();
			long now = (threads != null) ? threads.getCurrentThreadCpuTime() : -1;
			cpuNanos = (now >= 0 && this.startCpuNanos >= 0) ? now - this.startCpuNanos : -1;
			long queued = (this.startQueuedNanos >= 0) ? this.workload.queuedNanosOfCurrentThread() : -1;
			queuedNanos = (queued >= 0) ? queued - this.startQueuedNanos : -1;
		}
		this.workload.ended(this, route, wallNanos, cpuNanos, queuedNanos);
	}

	/** Forgets the sample: the request went asynchronous, and its time is not this thread's. */
	public void discard() {
		this.workload.discarded(this);
	}

}
