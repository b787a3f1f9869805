package dev.workerclass.readiness.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code server.readiness.*}: when this instance tells a load balancer or Kubernetes to send its
 * requests elsewhere.
 */
@ConfigurationProperties(prefix = "server.readiness")
public class ReadinessProperties {

	/**
	 * Whether the workers health indicator joins the readiness group and reports OUT_OF_SERVICE
	 * while the instance sheds (its line full, or a 503 within the hold).
	 */
	private boolean enabled = true;

	/**
	 * How long after its last 503 (line full or timeout) the instance stays out of the readiness
	 * group. It comes back once this has passed and its line is at most half full.
	 */
	private Duration hold = Duration.ofSeconds(5);

	/**
	 * How long, on shutdown, the instance keeps serving with readiness down before it stops
	 * accepting connections: time for a balancer or Kubernetes to take it out of rotation (in
	 * place of a preStop sleep). Must be shorter than spring.lifecycle.timeout-per-shutdown-phase.
	 */
	private Duration drainDelay = Duration.ZERO;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getHold() {
		return this.hold;
	}

	public void setHold(Duration hold) {
		this.hold = hold;
	}

	public Duration getDrainDelay() {
		return this.drainDelay;
	}

	public void setDrainDelay(Duration drainDelay) {
		this.drainDelay = drainDelay;
	}

}
