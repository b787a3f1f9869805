package dev.workerclass.limit;

import java.time.Duration;
import java.util.Objects;

import dev.workerclass.workers.InvalidWorkerSettingException;
import org.jspecify.annotations.Nullable;

/**
 * The adaptive limit's settings, validated: its algorithm and the range it moves in.
 *
 * @param algorithm how the limit is found
 * @param min the least requests admitted at once
 * @param initial where the limit starts: 20, Netflix's own initial limit, within {@code min..max}
 * @param max the most; never above the capacity at {@code server.max-workers}
 * @param timeout {@code server.timeout}, zero for none
 */
public record LimitSettings(LimitAlgorithm algorithm, int min, int initial, int max, Duration timeout) {

	/**
	 * Where the limit starts, and its minimum unless one is set: Netflix's own initial and minimum
	 * limit. A minimum set lower still starts the limit here, not at the minimum.
	 */
	static final int INITIAL = 20;

	public LimitSettings {
		Objects.requireNonNull(algorithm, "algorithm");
		Objects.requireNonNull(timeout, "timeout");
	}

	/**
	 * Resolves the properties against the capacity.
	 * @param min {@code server.concurrency-limit.min}; by default 20 (Netflix's own minimum), or the maximum where that is lower
	 * @param max {@code server.concurrency-limit.max}; by default {@code maxCapacity}
	 * @param maxCapacity the capacity at {@code server.max-workers}: more could never be admitted
	 * @throws InvalidWorkerSettingException naming the first property out of range
	 */
	public static LimitSettings resolve(LimitAlgorithm algorithm, @Nullable Integer min, @Nullable Integer max,
			int maxCapacity, Duration timeout) {
		if (max != null && (max < 1 || max > maxCapacity)) {
			throw new InvalidWorkerSettingException("server.concurrency-limit.max", max,
					"a whole number from 1 to " + maxCapacity + ", the capacity at server.max-workers");
		}
		int resolvedMax = (max != null) ? max : maxCapacity;
		if (min != null && (min < 1 || min > resolvedMax)) {
			throw new InvalidWorkerSettingException("server.concurrency-limit.min", min,
					"a whole number from 1 to " + resolvedMax + ", server.concurrency-limit.max"
							+ ((max != null) ? "" : " (by default the capacity at server.max-workers)"));
		}
		int resolvedMin = (min != null) ? min : Math.min(INITIAL, resolvedMax);
		int initial = Math.max(resolvedMin, Math.min(INITIAL, resolvedMax));
		return new LimitSettings(algorithm, resolvedMin, initial, resolvedMax, timeout);
	}

}
