package dev.workerclass.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import dev.workerclass.workers.RequestPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Measures how fast the lines drain, so that a 503 can say truthfully when to come back: one
 * daemon thread, {@code workerclass-drain-rate}, {@linkplain RequestPool#sampleDrainRate()
 * samples} the workers and the offload pool once a second while the context runs. Its cost is
 * that sample, nothing per request.
 */
public final class DrainRateSampler implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DrainRateSampler.class);

	static final String THREAD_NAME = "workerclass-drain-rate";

	private final List<RequestPool> pools;

	private final Duration period;

	private volatile @Nullable Thread thread;

	public DrainRateSampler(List<RequestPool> pools) {
		this(pools, Duration.ofSeconds(1));
	}

	DrainRateSampler(List<RequestPool> pools, Duration period) {
		this.pools = List.copyOf(pools);
		this.period = period;
	}

	@Override
	public synchronized void start() {
		if (this.thread != null) {
			return;
		}
		// Assigned before it starts: the thread runs only while it is the one this field names.
		Thread sampler = Thread.ofPlatform().name(THREAD_NAME).daemon().unstarted(this::run);
		this.thread = sampler;
		sampler.start();
	}

	private void run() {
		long periodNanos = this.period.toNanos();
		// Fixed rate: each sample is due a period after the previous one was due, so that the
		// intervals stay about a second however long a sample takes.
		long next = System.nanoTime() + periodNanos;
		while (this.thread == Thread.currentThread()) {
			LockSupport.parkNanos(this, next - System.nanoTime());
			if (Thread.interrupted() || this.thread != Thread.currentThread()) {
				return;
			}
			if (next - System.nanoTime() > 0) {
				continue;
			}
			for (RequestPool pool : this.pools) {
				try {
					pool.sampleDrainRate();
				}
				catch (RuntimeException ex) {
					// A pool that fails to sample keeps its last rate; the others still get theirs.
					logger.debug("Could not sample the drain rate of " + pool, ex);
				}
			}
			next += periodNanos;
			long now = System.nanoTime();
			if (next - now < 0) {
				// Fell behind (a long pause): start again from now rather than sample in a burst.
				next = now + periodNanos;
			}
		}
	}

	@Override
	public synchronized void stop() {
		Thread running = this.thread;
		if (running == null) {
			return;
		}
		this.thread = null;
		running.interrupt();
		try {
			// The next start's thread then writes the rates only after this one has stopped writing.
			running.join(this.period.toMillis() + 1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

}
