package dev.workerclass.autoscale;

import org.jspecify.annotations.Nullable;

/**
 * What the autoscaler did and does, for an operator (the {@code workers} endpoint).
 *
 * @param enabled whether the autoscaler is running now
 * @param minWorkers the fewest workers it shrinks to
 * @param maxWorkers the most workers it grows to
 * @param decisions decisions applied since start
 * @param last the last decision applied, or {@code null} before the first
 * @param stopped why it stopped for good (a pinned worker count, a failed resize), or {@code null}
 */
public record AutoscaleReport(boolean enabled, int minWorkers, int maxWorkers, long decisions,
		@Nullable Decision last, @Nullable String stopped) {

	/** The report where no autoscaler is configured ({@code server.autoscale.enabled} is false). */
	public static AutoscaleReport disabled() {
		return new AutoscaleReport(false, 0, 0, 0, null, null);
	}

}
