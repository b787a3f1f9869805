package dev.workerclass.limit;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;

/**
 * How the in-flight limit is found ({@code server.concurrency-limit.algorithm}). The adaptive
 * ones are Netflix {@code concurrency-limits}' own, with their defaults: this project supplies
 * the samples and enforces the answer, it does not write the algorithms again.
 */
public enum LimitAlgorithm {

	/** No adaptive limit: the capacity ({@code workers x threads} or {@code x worker-connections}) is the limit. */
	FIXED,

	/**
	 * Additive increase, multiplicative decrease: one more while at least half the limit is in use
	 * and nothing is dropped, 0.9 times on a drop (a request given up at {@code server.timeout}, or
	 * one held longer than it). Reacts to failures, not to latency that merely grows.
	 */
	AIMD,

	/**
	 * Netflix's Gradient2: compares the recent latency with a long-term average and shrinks the
	 * limit when it grows past a tolerance of 1.5 times. Reacts to latency, so a saturated
	 * downstream (a database pool) brings the limit down before anything fails. Samples are taken
	 * in windows of at least 10 requests and one second.
	 */
	GRADIENT,

	/**
	 * TCP Vegas applied to requests: estimates the queue from the latency with no load and the
	 * latency now, and keeps it between small bounds. Windowed as {@link #GRADIENT}.
	 */
	VEGAS;

	/** The property's value for this algorithm, as a user writes it. */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The algorithm, starting at {@code initial} and kept within {@code min..max}.
	 * @param timeout {@code server.timeout}, or zero for none: AIMD counts a request held longer as a drop
	 */
	Limit create(int initial, int min, int max, Duration timeout) {
		return switch (this) {
			case FIXED -> FixedLimit.of(max);
			case AIMD -> {
				AIMDLimit.Builder builder = AIMDLimit.newBuilder().initialLimit(initial).minLimit(min).maxLimit(max);
				if (!timeout.isZero()) {
					builder.timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
				}
				yield builder.build();
			}
			case GRADIENT -> WindowedLimit.newBuilder()
				.build(Gradient2Limit.newBuilder().initialLimit(initial).minLimit(min).maxConcurrency(max).build());
			// Vegas has no minimum of its own: AdaptiveLimit clamps what it answers.
			case VEGAS -> WindowedLimit.newBuilder()
				.build(VegasLimit.newBuilder().initialLimit(initial).maxConcurrency(max).build());
		};
	}

}
