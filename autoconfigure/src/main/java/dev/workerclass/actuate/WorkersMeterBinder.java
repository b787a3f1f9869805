package dev.workerclass.actuate;

import java.util.function.ToDoubleFunction;

import dev.workerclass.workers.Workers;
import dev.workerclass.workers.WorkersSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The endpoint's numbers as Micrometer meters, tagged {@code worker.class}, so that Prometheus
 * and autoscalers see what an operator sees.
 */
public class WorkersMeterBinder implements MeterBinder {

	private final Workers workers;

	public WorkersMeterBinder(Workers workers) {
		this.workers = workers;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of("worker.class", this.workers.workerClass().canonicalName());
		gauge(registry, tags, "workers.capacity", "Requests the workers serve at once", WorkersSnapshot::capacity);
		gauge(registry, tags, "workers.busy", "Requests holding a worker slot", WorkersSnapshot::busy);
		gauge(registry, tags, "workers.idle", "Free worker slots", WorkersSnapshot::idle);
		gauge(registry, tags, "workers.queued", "Requests waiting for a worker slot", WorkersSnapshot::queued);
		gauge(registry, tags, "workers.count", "Worker units", WorkersSnapshot::workers);
		counter(registry, tags, "workers.completed", "Requests served since start", WorkersSnapshot::completed);
		counter(registry, tags, "workers.rejected", "Requests refused with 503 because the line was full",
				WorkersSnapshot::rejected);
		counter(registry, tags, "workers.resizes", "Runtime resizes since start", WorkersSnapshot::resizes);
	}

	private void gauge(MeterRegistry registry, Tags tags, String name, String description,
			ToDoubleFunction<WorkersSnapshot> value) {
		Gauge.builder(name, this.workers, (workers) -> value.applyAsDouble(workers.snapshot()))
			.description(description)
			.tags(tags)
			.strongReference(true)
			.register(registry);
	}

	private void counter(MeterRegistry registry, Tags tags, String name, String description,
			ToDoubleFunction<WorkersSnapshot> value) {
		FunctionCounter.builder(name, this.workers, (workers) -> value.applyAsDouble(workers.snapshot()))
			.description(description)
			.tags(tags)
			.register(registry);
	}

}
