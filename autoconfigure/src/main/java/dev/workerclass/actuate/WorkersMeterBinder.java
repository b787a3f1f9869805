package dev.workerclass.actuate;

import java.util.function.ToDoubleFunction;

import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.RequestPool;
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

	private final OffloadWorkers offload;

	private final WorkersDiagnostics diagnostics;

	public WorkersMeterBinder(Workers workers, OffloadWorkers offload, WorkersDiagnostics diagnostics) {
		this.workers = workers;
		this.offload = offload;
		this.diagnostics = diagnostics;
	}

	public WorkersMeterBinder(Workers workers, OffloadWorkers offload) {
		this(workers, offload, null);
	}

	public WorkersMeterBinder(Workers workers) {
		this(workers, null, null);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of("worker.class", this.workers.workerClass().canonicalName());
		bindWorkers(registry, tags);
		if (this.offload != null) {
			// The offload pool, as offload.* beside the workers' own meters.
			Gauge.builder("workers.offload.threads", this.offload, (pool) -> pool.snapshot().capacity())
				.description("Threads of the offload pool")
				.tags(tags)
				.strongReference(true)
				.register(registry);
			gauge(registry, tags, this.offload, "workers.offload.busy", "Offloaded handlers running",
					WorkersSnapshot::busy);
			gauge(registry, tags, this.offload, "workers.offload.queued", "Offloaded handlers waiting for a thread",
					WorkersSnapshot::queued);
			counter(registry, tags, this.offload, "workers.offload.completed", "Offloaded handlers that ended",
					WorkersSnapshot::completed);
			counter(registry, tags, this.offload, "workers.offload.rejected",
					"Offloaded handlers refused because the offload line was full", WorkersSnapshot::rejected);
			counter(registry, tags, this.offload, "workers.offload.timeouts",
					"Offloaded handlers interrupted at server.timeout", WorkersSnapshot::timedOut);
		}
		if (this.diagnostics != null && this.diagnostics.watchesVirtualThreads()) {
			FunctionCounter.builder("workers.diagnostics.pinned", this.diagnostics, WorkersDiagnostics::pinned)
				.description("Virtual threads that parked while pinned to their carrier")
				.tags(tags)
				.register(registry);
			FunctionCounter
				.builder("workers.diagnostics.carrier.starvation", this.diagnostics, WorkersDiagnostics::carrierStarvation)
				.description("Times every carrier of the virtual threads was blocked past the threshold")
				.tags(tags)
				.register(registry);
		}
		if (this.diagnostics != null && this.diagnostics.watchesEventLoops()) {
			FunctionCounter.builder("workers.diagnostics.blocked.loops", this.diagnostics, WorkersDiagnostics::blockedLoops)
				.description("Times an event loop ran one task past the threshold")
				.tags(tags)
				.register(registry);
		}
	}

	private void bindWorkers(MeterRegistry registry, Tags tags) {
		Workers source = this.workers;
		gauge(registry, tags, source, "workers.capacity", "Requests the workers serve at once",
				WorkersSnapshot::capacity);
		gauge(registry, tags, source, "workers.busy", "Requests holding a worker slot", WorkersSnapshot::busy);
		gauge(registry, tags, source, "workers.idle", "Free worker slots", WorkersSnapshot::idle);
		gauge(registry, tags, source, "workers.queued", "Requests waiting for a worker slot",
				WorkersSnapshot::queued);
		gauge(registry, tags, source, "workers.count", "Worker units", WorkersSnapshot::workers);
		counter(registry, tags, source, "workers.completed", "Requests served since start",
				WorkersSnapshot::completed);
		counter(registry, tags, source, "workers.rejected", "Requests refused with 503 because the line was full",
				WorkersSnapshot::rejected);
		counter(registry, tags, source, "workers.timeouts", "Requests given up at server.timeout",
				WorkersSnapshot::timedOut);
		counter(registry, tags, source, "workers.resizes", "Runtime resizes since start", WorkersSnapshot::resizes);
	}

	private static void gauge(MeterRegistry registry, Tags tags, RequestPool source, String name, String description,
			ToDoubleFunction<WorkersSnapshot> value) {
		Gauge.builder(name, source, (workers) -> value.applyAsDouble(workers.snapshot()))
			.description(description)
			.tags(tags)
			.strongReference(true)
			.register(registry);
	}

	private static void counter(MeterRegistry registry, Tags tags, RequestPool source, String name, String description,
			ToDoubleFunction<WorkersSnapshot> value) {
		FunctionCounter.builder(name, source, (workers) -> value.applyAsDouble(workers.snapshot()))
			.description(description)
			.tags(tags)
			.register(registry);
	}

}
