package dev.workerclass.autoscale.autoconfigure;

import dev.workerclass.autoscale.Autoscaler;
import dev.workerclass.autoscale.Decision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code workers.autoscale.decisions}: the autoscaler's decisions, tagged {@code worker.class} and
 * {@code direction} ({@code up}, {@code down}). Both counters exist from the start, so that a
 * dashboard shows zero rather than nothing.
 */
final class AutoscaleMeterBinder implements MeterBinder {

	static final String DECISIONS = "workers.autoscale.decisions";

	private final Autoscaler autoscaler;

	private final String workerClass;

	AutoscaleMeterBinder(Autoscaler autoscaler, String workerClass) {
		this.autoscaler = autoscaler;
		this.workerClass = workerClass;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Counter up = counter(registry, "up");
		Counter down = counter(registry, "down");
		this.autoscaler
			.onDecision((decision) -> ((decision.direction() == Decision.Direction.UP) ? up : down).increment());
	}

	private Counter counter(MeterRegistry registry, String direction) {
		return Counter.builder(DECISIONS)
			.description("Worker count changes the autoscaler applied")
			.tag("worker.class", this.workerClass)
			.tag("direction", direction)
			.register(registry);
	}

}
