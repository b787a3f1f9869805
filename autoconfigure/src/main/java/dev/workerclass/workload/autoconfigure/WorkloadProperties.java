package dev.workerclass.workload.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code server.workload.*}: the per-route workload measured from a sample of the requests, and
 * the advice read from it at {@code /actuator/workers/advice}.
 */
@ConfigurationProperties(prefix = "server.workload")
public class WorkloadProperties {

	/** Sampled requests measured by default: one in this many. */
	public static final int DEFAULT_SAMPLE_EVERY = 20;

	/** How often the sampler looks at the threads, requests in flight and pools by default. */
	public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofMillis(200);

	/** Sampled requests needed before any advice, by default. */
	public static final int DEFAULT_MIN_SAMPLES = 200;

	/**
	 * Whether a sample of the requests is measured per route (time, p99, CPU versus waiting),
	 * and the advice offered at /actuator/workers/advice and logged when it changes.
	 */
	private boolean enabled = true;

	/**
	 * Measure one request in this many, drawn at random (1 measures every request). An
	 * unsampled request pays one random draw.
	 */
	private int sampleEvery = 20;

	/**
	 * How often the sampler thread looks at the states of the sampled requests' virtual threads,
	 * the requests in flight and the pools (JDBC, offload).
	 */
	private Duration sampleInterval = Duration.ofMillis(200);

	/** Sampled requests needed before the advice names a worker class. */
	private int minSamples = 200;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getSampleEvery() {
		return this.sampleEvery;
	}

	public void setSampleEvery(int sampleEvery) {
		this.sampleEvery = sampleEvery;
	}

	public Duration getSampleInterval() {
		return this.sampleInterval;
	}

	public void setSampleInterval(Duration sampleInterval) {
		this.sampleInterval = sampleInterval;
	}

	public int getMinSamples() {
		return this.minSamples;
	}

	public void setMinSamples(int minSamples) {
		this.minSamples = minSamples;
	}

}
