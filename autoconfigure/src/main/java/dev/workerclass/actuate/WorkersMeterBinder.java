package dev.workerclass.actuate;

import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.workers.OffloadWorkers;
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

	private final Optional<OffloadWorkers> offload;

	private final Optional<WorkersDiagnostics> diagnostics;

	/**
	 * @param workers the workers, as {@code workers.*}
	 * @param offload the offload pool, as {@code workers.offload.*}; none without one
	 * @param diagnostics the diagnostics' counts, as {@code workers.diagnostics.*} for what they
	 * watch; none without them
	 */
	public WorkersMeterBinder(Workers workers, Optional<OffloadWorkers> offload,
			Optional<WorkersDiagnostics> diagnostics) {
		this.workers = workers;
		this.offload = offload;
		this.diagnostics = diagnostics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of("worker.class", this.workers.workerClass().canonicalName());
		bindWorkers(registry, tags);
		this.offload.ifPresent((pool) -> bindOffload(registry, tags, pool));
		this.diagnostics.ifPresent((diagnostics) -> bindDiagnostics(registry, tags, diagnostics));
	}

	// The offload pool, as offload.* beside the workers' own meters.
	private static void bindOffload(MeterRegistry registry, Tags tags, OffloadWorkers pool) {
		Supplier<WorkersSnapshot> source = pool::snapshot;
		gauge(registry, tags, source, "workers.offload.threads", "Threads of the offload pool",
				WorkersSnapshot::capacity);
		gauge(registry, tags, source, "workers.offload.busy", "Offloaded handlers running", WorkersSnapshot::busy);
		gauge(registry, tags, source, "workers.offload.queued", "Offloaded handlers waiting for a thread",
				WorkersSnapshot::queued);
		counter(registry, tags, source, "workers.offload.completed", "Offloaded handlers that ended",
				WorkersSnapshot::completed);
		counter(registry, tags, source, "workers.offload.rejected",
				"Offloaded handlers refused because the offload line was full", WorkersSnapshot::rejected);
		counter(registry, tags, source, "workers.offload.timeouts", "Offloaded handlers interrupted at server.timeout",
				WorkersSnapshot::timedOut);
	}

	// Only what is watched gets a meter: a counter that can never move would mislead.
	private static void bindDiagnostics(MeterRegistry registry, Tags tags, WorkersDiagnostics diagnostics) {
		if (diagnostics.watchesVirtualThreads()) {
			FunctionCounter.builder("workers.diagnostics.pinned", diagnostics, WorkersDiagnostics::pinned)
				.description("Virtual threads that parked while pinned to their carrier")
				.tags(tags)
				.register(registry);
			FunctionCounter
				.builder("workers.diagnostics.carrier.starvation", diagnostics, WorkersDiagnostics::carrierStarvation)
				.description("Times every carrier of the virtual threads was blocked past the threshold")
				.tags(tags)
				.register(registry);
		}
		if (diagnostics.watchesEventLoops()) {
			FunctionCounter.builder("workers.diagnostics.blocked.loops", diagnostics, WorkersDiagnostics::blockedLoops)
				.description("Times an event loop ran one task past the threshold")
				.tags(tags)
				.register(registry);
		}
	}

	private void bindWorkers(MeterRegistry registry, Tags tags) {
		Supplier<WorkersSnapshot> source = this.workers::snapshot;
		gauge(registry, tags, source, "workers.capacity", "Requests the workers serve at once",
				WorkersSnapshot::capacity);
		gauge(registry, tags, source, "workers.busy", "Requests holding a worker slot", WorkersSnapshot::busy);
		gauge(registry, tags, source, "workers.idle", "Free worker slots", WorkersSnapshot::idle);
		gauge(registry, tags, source, "workers.queued", "Requests waiting for a worker slot",
				WorkersSnapshot::queued);
		gauge(registry, tags, source, "workers.count", "Worker units", WorkersSnapshot::workers);
		Workers pool = this.workers;
		Gauge.builder("workers.limit", pool, Workers::admitting)
			.description("Requests admitted at once: the capacity, or a lower adaptive concurrency limit")
			.tags(tags)
			.register(registry);
		// Busy over what may run at once now: admitting() is the capacity, or a lower adaptive
		// concurrency limit. Under a limit no more than the limit is ever busy, so busy over the
		// capacity would read 0.5 while requests queue; over admitting() it reads 1 exactly when the
		// next request has to wait, which is the point an autoscaler should add instances at. Not
		// capped at 1: after a shrink, busy may exceed the new capacity until requests finish.
		Gauge.builder("workers.utilization", pool, WorkersMeterBinder::utilization)
			.description("Busy slots over the requests admitted at once now: the capacity, or a lower adaptive limit")
			.tags(tags)
			.register(registry);
		counter(registry, tags, source, "workers.completed", "Requests served since start",
				WorkersSnapshot::completed);
		counter(registry, tags, source, "workers.rejected", "Requests refused with 503 because the line was full",
				WorkersSnapshot::rejected);
		counter(registry, tags, source, "workers.timeouts", "Requests given up at server.timeout",
				WorkersSnapshot::timedOut);
		counter(registry, tags, source, "workers.resizes", "Runtime resizes since start", WorkersSnapshot::resizes);
	}

	static double utilization(Workers workers) {
		int admitting = workers.admitting();
		return (admitting <= 0) ? 0 : (double) workers.snapshot().busy() / admitting;
	}

	// Micrometer holds a meter's state object weakly; the function holds the source, so a meter
	// lives as long as its registry, not until the next collection.
	private static void gauge(MeterRegistry registry, Tags tags, Supplier<WorkersSnapshot> source, String name,
			String description, ToDoubleFunction<WorkersSnapshot> value) {
		Gauge.builder(name, source, (ignored) -> value.applyAsDouble(source.get()))
			.description(description)
			.tags(tags)
			.register(registry);
	}

	private static void counter(MeterRegistry registry, Tags tags, Supplier<WorkersSnapshot> source, String name,
			String description, ToDoubleFunction<WorkersSnapshot> value) {
		FunctionCounter.builder(name, source, (ignored) -> value.applyAsDouble(source.get()))
			.description(description)
			.tags(tags)
			.register(registry);
	}

}
