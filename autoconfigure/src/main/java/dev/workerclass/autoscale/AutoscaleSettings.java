package dev.workerclass.autoscale;

import java.time.Duration;

import dev.workerclass.workers.InvalidWorkerSettingException;
import org.jspecify.annotations.Nullable;

/**
 * Validated autoscaling settings: what {@code server.autoscale.*} resolves to. A bad value is
 * refused here, naming its property, so that start-up fails before any sample is taken.
 *
 * @param interval how often the load is sampled
 * @param growAfter how long the workers must stay busy, with requests waiting, before they grow;
 * also the length of one idle cycle when shrinking
 * @param shrinkAfter how long the workers must stay idle before they shrink
 * @param cooldown how long no decision is taken after a growth or a manual resize
 * @param growAbove the mean busy share (busy ÷ capacity) at or above which the workers grow
 * @param shrinkBelow the mean busy share below which the workers shrink
 * @param minWorkers the fewest workers a shrink leaves
 * @param maxWorkers the most workers a growth sets ({@code server.max-workers})
 */
public record AutoscaleSettings(Duration interval, Duration growAfter, Duration shrinkAfter, Duration cooldown,
		double growAbove, double shrinkBelow, int minWorkers, int maxWorkers) {

	/** Default {@code server.autoscale.interval}. */
	public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

	/** Default {@code server.autoscale.grow-after}. */
	public static final Duration DEFAULT_GROW_AFTER = Duration.ofSeconds(3);

	/** Default {@code server.autoscale.shrink-after}. */
	public static final Duration DEFAULT_SHRINK_AFTER = Duration.ofSeconds(10);

	/** Default {@code server.autoscale.cooldown}. */
	public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(10);

	/** Default {@code server.autoscale.grow-above}: uWSGI's busyness algorithm spawns above 50%. */
	public static final double DEFAULT_GROW_ABOVE = 0.5;

	/** Default {@code server.autoscale.shrink-below}: uWSGI's busyness algorithm stops workers below 25%. */
	public static final double DEFAULT_SHRINK_BELOW = 0.25;

	/**
	 * @throws InvalidWorkerSettingException naming the first {@code server.autoscale.*} property out
	 * of range
	 */
	public AutoscaleSettings {
		checkPositive("server.autoscale.interval", interval, "100ms");
		checkPositive("server.autoscale.grow-after", growAfter, "3s");
		checkPositive("server.autoscale.shrink-after", shrinkAfter, "10s");
		checkPositive("server.autoscale.cooldown", cooldown, "10s");
		if (interval.compareTo(growAfter) >= 0) {
			throw new InvalidWorkerSettingException("server.autoscale.interval", interval,
					"a duration shorter than server.autoscale.grow-after (" + growAfter
							+ "), so that several samples are taken before growing, e.g. 100ms");
		}
		if (!(growAbove > 0 && growAbove <= 1)) {
			throw new InvalidWorkerSettingException("server.autoscale.grow-above", growAbove,
					"a busy share above 0 and at most 1, e.g. 0.5 for 50%");
		}
		if (!(shrinkBelow > 0 && shrinkBelow < growAbove)) {
			throw new InvalidWorkerSettingException("server.autoscale.shrink-below", shrinkBelow,
					"a busy share above 0 and below server.autoscale.grow-above (" + growAbove
							+ "), e.g. 0.25 for 25%");
		}
		if (minWorkers < 1 || minWorkers > maxWorkers) {
			throw new InvalidWorkerSettingException("server.autoscale.min-workers", minWorkers,
					"a whole number from 1 to server.max-workers (" + maxWorkers + ")");
		}
	}

	/** The defaults, between {@code minWorkers} and {@code maxWorkers}. */
	public static AutoscaleSettings defaults(int minWorkers, int maxWorkers) {
		return new AutoscaleSettings(DEFAULT_INTERVAL, DEFAULT_GROW_AFTER, DEFAULT_SHRINK_AFTER, DEFAULT_COOLDOWN,
				DEFAULT_GROW_ABOVE, DEFAULT_SHRINK_BELOW, minWorkers, maxWorkers);
	}

	private static void checkPositive(String property, @Nullable Duration value, String example) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new InvalidWorkerSettingException(property, value, "a positive duration, e.g. " + example);
		}
	}

}
