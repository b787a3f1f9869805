package dev.workerclass.actuate;

import dev.workerclass.readiness.Readiness;
import dev.workerclass.workers.Workers;
import dev.workerclass.workers.WorkersSnapshot;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code workers} in the health endpoint, and a member of the readiness group: UP while the
 * instance wants work, OUT_OF_SERVICE while it sheds (its line is full, or it answered 503 within
 * {@code server.readiness.hold}) or drains before it stops, with how busy it is in the details.
 * Never DOWN and never in the liveness group: a full server is not a dead one, and restarting it
 * would only lose the requests it holds.
 */
public class WorkersHealthIndicator extends AbstractHealthIndicator {

	private final Workers workers;

	private final @Nullable Readiness readiness;

	/**
	 * @param workers the workers whose counters are shown
	 * @param readiness what decides whether the instance wants work; {@code null} for always UP
	 * ({@code server.readiness.enabled=false})
	 */
	public WorkersHealthIndicator(Workers workers, @Nullable Readiness readiness) {
		super("Workers health check failed");
		this.workers = workers;
		this.readiness = readiness;
	}

	public WorkersHealthIndicator(Workers workers) {
		this(workers, null);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		WorkersSnapshot snapshot = this.workers.snapshot();
		if (this.readiness == null) {
			builder.up();
		}
		else {
			Readiness.State state = this.readiness.check();
			if (state.acceptingTraffic()) {
				builder.up();
			}
			else {
				builder.outOfService();
			}
			builder.withDetail("shedding", state.shedding())
				.withDetail("draining", state.draining())
				.withDetail("reason", state.reason());
		}
		builder.withDetail("workerClass", snapshot.workerClass().canonicalName())
			.withDetail("busy", snapshot.busy())
			.withDetail("capacity", snapshot.capacity())
			.withDetail("queued", snapshot.queued())
			.withDetail("lineBound", this.workers.lineBound())
			.withDetail("refused", this.workers.refusals());
	}

}
