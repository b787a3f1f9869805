package dev.workerclass.workers;

/**
 * How fast a pool's line drains: an exponentially weighted moving average of the requests it
 * completes per second, each new sample weighing half. It is what makes {@code Retry-After}
 * truthful: the line in front of a client, divided by this rate, is about how long the client
 * would wait for a slot if it came back.
 * <p>
 * Fed by one thread (a sampler, about once a second) with the time and the pool's count of
 * completed requests; read by any thread. Samples taken while nothing has completed yet are
 * ignored, so that the rate stays unknown, rather than zero, until the pool has served something.
 */
public final class DrainRate {

	/** The weight of the newest sample; the older ones share the rest. */
	private static final double NEWEST_WEIGHT = 0.5;

	private static final double NANOS_PER_SECOND = 1_000_000_000d;

	/** Completions per second; negative while unknown. Volatile: written by the sampler, read by anyone. */
	private volatile double perSecond = -1;

	// The start of the interval the next sample ends; read and written by the sampling thread only.
	private long lastNanos;

	private long lastCompleted;

	private boolean started;

	/**
	 * Ends the interval since the previous sample and folds its rate into the average.
	 * @param nanos the time now, as {@link System#nanoTime()} gives it
	 * @param completedSoFar the requests the pool has completed since it started
	 */
	public void sample(long nanos, long completedSoFar) {
		if (completedSoFar <= 0) {
			return;
		}
		if (this.started) {
			long elapsed = nanos - this.lastNanos;
			if (elapsed <= 0) {
				return;
			}
			double rate = (completedSoFar - this.lastCompleted) * NANOS_PER_SECOND / elapsed;
			double previous = this.perSecond;
			this.perSecond = (previous < 0) ? rate : NEWEST_WEIGHT * rate + (1 - NEWEST_WEIGHT) * previous;
		}
		skip(nanos, completedSoFar);
	}

	/**
	 * Starts the next interval here without counting the one that ends: for an interval that says
	 * nothing about how fast the line drains (the pool had free slots, so it completed only what
	 * arrived).
	 * @param nanos the time now, as {@link System#nanoTime()} gives it
	 * @param completedSoFar the requests the pool has completed since it started
	 */
	public void skip(long nanos, long completedSoFar) {
		this.lastNanos = nanos;
		this.lastCompleted = completedSoFar;
		this.started = true;
	}

	/** Whether a rate has been measured yet. */
	public boolean isKnown() {
		return this.perSecond >= 0;
	}

	/** Requests completed per second, on average; {@code 0} while {@linkplain #isKnown() unknown}. */
	public double perSecond() {
		return Math.max(0, this.perSecond);
	}

}
