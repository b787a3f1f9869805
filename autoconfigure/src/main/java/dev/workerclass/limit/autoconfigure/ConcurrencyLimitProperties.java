package dev.workerclass.limit.autoconfigure;

import dev.workerclass.limit.LimitAlgorithm;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code server.concurrency-limit.*}: an in-flight limit found from measured latency, below the
 * capacity, so that when a downstream saturates the excess is refused fast instead of queueing.
 */
@ConfigurationProperties(prefix = "server.concurrency-limit")
public class ConcurrencyLimitProperties {

	/**
	 * How the most requests in flight is found: fixed (the capacity, no adaptive limit), aimd,
	 * gradient or vegas (Netflix concurrency-limits' algorithms).
	 */
	private LimitAlgorithm algorithm = LimitAlgorithm.FIXED;

	/**
	 * The least requests admitted at once. Default: 20, or the maximum where that is lower. The
	 * limit starts at 20 (within min and max).
	 */
	private @Nullable Integer min;

	/** The most requests admitted at once. Default: the capacity at server.max-workers. */
	private @Nullable Integer max;

	public LimitAlgorithm getAlgorithm() {
		return this.algorithm;
	}

	public void setAlgorithm(LimitAlgorithm algorithm) {
		this.algorithm = algorithm;
	}

	public @Nullable Integer getMin() {
		return this.min;
	}

	public void setMin(@Nullable Integer min) {
		this.min = min;
	}

	public @Nullable Integer getMax() {
		return this.max;
	}

	public void setMax(@Nullable Integer max) {
		this.max = max;
	}

}
