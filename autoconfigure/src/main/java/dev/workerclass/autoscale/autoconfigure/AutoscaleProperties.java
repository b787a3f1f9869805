package dev.workerclass.autoscale.autoconfigure;

import java.time.Duration;

import dev.workerclass.autoscale.AutoscaleSettings;
import dev.workerclass.workers.WorkerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code server.autoscale.*}: workers that grow and shrink with their load, after uWSGI's cheaper
 * subsystem, between {@code min-workers} and {@code server.max-workers}. {@link #toSettings}
 * validates the values. The defaults are written out (for the configuration metadata) and are
 * {@link AutoscaleSettings}'s.
 */
@ConfigurationProperties("server.autoscale")
public class AutoscaleProperties {

	/**
	 * Whether the workers grow when they stay busy with requests waiting and shrink when they stay
	 * idle, between server.autoscale.min-workers and server.max-workers. Needs server.worker-class.
	 */
	private boolean enabled;

	/** The fewest workers a shrink leaves. Default: server.workers. */
	private @Nullable Integer minWorkers;

	/** How often the workers' load is sampled. */
	private Duration interval = Duration.ofMillis(100);

	/**
	 * How long the workers must stay busy (see grow-above), with requests waiting in at least half
	 * the samples, before they grow; also the length of one idle cycle when shrinking.
	 */
	private Duration growAfter = Duration.ofSeconds(3);

	/**
	 * How long the workers must stay idle (see shrink-below) before they shrink; doubled, up to
	 * eightfold, after a growth that soon followed a shrink.
	 */
	private Duration shrinkAfter = Duration.ofSeconds(10);

	/** How long no decision is taken after a growth or a manual resize (the workers endpoint, ttin, ttou). */
	private Duration cooldown = Duration.ofSeconds(10);

	/** The mean busy share (busy / capacity, from 0 to 1) at or above which the workers grow. */
	private double growAbove = 0.5;

	/** The mean busy share (from 0 to 1, below grow-above) under which the workers shrink. */
	private double shrinkBelow = 0.25;

	/**
	 * Validates the values against the workers' settings.
	 * @param workers the settings in force: {@code server.workers} is the default minimum and
	 * {@code server.max-workers} the ceiling
	 * @throws dev.workerclass.workers.InvalidWorkerSettingException naming the first property out of range
	 */
	public AutoscaleSettings toSettings(WorkerSettings workers) {
		int min = (this.minWorkers != null) ? this.minWorkers : Math.min(workers.workers(), workers.maxWorkers());
		return new AutoscaleSettings(this.interval, this.growAfter, this.shrinkAfter, this.cooldown, this.growAbove,
				this.shrinkBelow, min, workers.maxWorkers());
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Integer getMinWorkers() {
		return this.minWorkers;
	}

	public void setMinWorkers(@Nullable Integer minWorkers) {
		this.minWorkers = minWorkers;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public Duration getGrowAfter() {
		return this.growAfter;
	}

	public void setGrowAfter(Duration growAfter) {
		this.growAfter = growAfter;
	}

	public Duration getShrinkAfter() {
		return this.shrinkAfter;
	}

	public void setShrinkAfter(Duration shrinkAfter) {
		this.shrinkAfter = shrinkAfter;
	}

	public Duration getCooldown() {
		return this.cooldown;
	}

	public void setCooldown(Duration cooldown) {
		this.cooldown = cooldown;
	}

	public double getGrowAbove() {
		return this.growAbove;
	}

	public void setGrowAbove(double growAbove) {
		this.growAbove = growAbove;
	}

	public double getShrinkBelow() {
		return this.shrinkBelow;
	}

	public void setShrinkBelow(double shrinkBelow) {
		this.shrinkBelow = shrinkBelow;
	}

}
