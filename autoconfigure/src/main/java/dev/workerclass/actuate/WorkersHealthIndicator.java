package dev.workerclass.actuate;

import dev.workerclass.workers.Workers;
import dev.workerclass.workers.WorkersSnapshot;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code workers} in the health endpoint: UP while the workers run, with how busy they are in the
 * details. Saturation is not DOWN: a busy server is healthy, and restarting it would not help.
 */
public class WorkersHealthIndicator extends AbstractHealthIndicator {

	private final Workers workers;

	public WorkersHealthIndicator(Workers workers) {
		super("Workers health check failed");
		this.workers = workers;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		WorkersSnapshot snapshot = this.workers.snapshot();
		builder.up()
			.withDetail("workerClass", snapshot.workerClass().canonicalName())
			.withDetail("busy", snapshot.busy())
			.withDetail("capacity", snapshot.capacity())
			.withDetail("queued", snapshot.queued());
	}

}
