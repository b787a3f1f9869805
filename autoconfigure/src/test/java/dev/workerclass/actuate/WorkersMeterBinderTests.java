package dev.workerclass.actuate;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WorkersMeterBinder}: the endpoint's numbers as Micrometer meters, tagged with
 * the worker class, following the workers as they serve and resize.
 */
class WorkersMeterBinderTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String[] GAUGES = { "workers.capacity", "workers.busy", "workers.idle", "workers.queued",
			"workers.count", "workers.limit", "workers.utilization" };

	private static final String[] COUNTERS = { "workers.completed", "workers.rejected", "workers.timeouts",
			"workers.resizes" };

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual", "reactive" })
	void bindsGaugesAndCountersTaggedWithTheWorkerClass(String workerClass) {
		try (Workers workers = Workers.create(settings(workerClass, 2, null))) {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new WorkersMeterBinder(workers, Optional.empty(), Optional.empty()).bindTo(registry);
			for (String name : GAUGES) {
				Gauge gauge = registry.get(name).tag("worker.class", workerClass).gauge();
				assertThat(gauge.getId().getType()).isEqualTo(Meter.Type.GAUGE);
				assertThat(gauge.getId().getDescription()).isNotBlank();
			}
			for (String name : COUNTERS) {
				FunctionCounter counter = registry.get(name).tag("worker.class", workerClass).functionCounter();
				assertThat(counter.count()).isZero();
				assertThat(counter.getId().getDescription()).isNotBlank();
			}
			assertThat(registry.getMeters()).hasSize(GAUGES.length + COUNTERS.length)
				.allSatisfy((meter) -> assertThat(meter.getId().getTags()).hasSize(1));
			int capacity = workers.snapshot().capacity();
			assertThat(gauge(registry, "workers.capacity")).isEqualTo(capacity);
			assertThat(gauge(registry, "workers.idle")).isEqualTo(capacity);
			assertThat(gauge(registry, "workers.count")).isEqualTo(2);
			assertThat(gauge(registry, "workers.limit")).as("no adaptive limit: the capacity").isEqualTo(capacity);
			workers.limitConcurrency(1);
			assertThat(gauge(registry, "workers.limit")).isEqualTo(1);
			assertThat(gauge(registry, "workers.busy")).isZero();
			assertThat(gauge(registry, "workers.queued")).isZero();
			assertThat(gauge(registry, "workers.utilization")).isZero();
		}
	}

	@Test
	void utilizationIsBusyOverWhatIsAdmittedAtOnce() throws Exception {
		// Two sync workers, one of them busy.
		try (Workers workers = Workers.create(settings("sync", 2, 4))) {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new WorkersMeterBinder(workers, Optional.empty(), Optional.empty()).bindTo(registry);
			assertThat(gauge(registry, "workers.utilization")).isZero();
			CountDownLatch finish = new CountDownLatch(1);
			CountDownLatch running = new CountDownLatch(1);
			CompletableFuture<Boolean> served = serveOnAContainerThread(workers, () -> {
				running.countDown();
				finish.await(10, TimeUnit.SECONDS);
			});
			assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(gauge(registry, "workers.utilization")).isEqualTo(0.5);
			// Under a limit of 1 the one busy slot is all that is admitted: full, although a slot is free.
			workers.limitConcurrency(1);
			assertThat(gauge(registry, "workers.capacity")).isEqualTo(2);
			assertThat(gauge(registry, "workers.utilization")).isEqualTo(1.0);
			finish.countDown();
			assertThat(served.get(10, TimeUnit.SECONDS)).isTrue();
			soon().until(() -> gauge(registry, "workers.utilization") == 0);
		}
	}

	@Test
	void theMetersFollowServeAndResize() throws Exception {
		// One sync worker and room for one in line.
		try (Workers workers = Workers.create(settings("sync", 1, 1))) {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new WorkersMeterBinder(workers, Optional.empty(), Optional.empty()).bindTo(registry);
			CountDownLatch finish = new CountDownLatch(1);
			CountDownLatch firstRunning = new CountDownLatch(1);
			CompletableFuture<Boolean> first = serveOnAContainerThread(workers, () -> {
				firstRunning.countDown();
				finish.await(10, TimeUnit.SECONDS);
			});
			assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Boolean> second = serveOnAContainerThread(workers,
					() -> finish.await(10, TimeUnit.SECONDS));
			soon().until(() -> gauge(registry, "workers.queued") == 1);
			// The line is full: the next request is refused at once.
			assertThat(serveOnAContainerThread(workers, () -> {
			}).get(10, TimeUnit.SECONDS)).isFalse();

			assertThat(gauge(registry, "workers.busy")).isEqualTo(1);
			assertThat(gauge(registry, "workers.idle")).isZero();
			assertThat(gauge(registry, "workers.capacity")).isEqualTo(1);
			assertThat(counter(registry, "workers.rejected")).isEqualTo(1);
			assertThat(counter(registry, "workers.completed")).isZero();

			workers.resize(3, null, null);
			assertThat(gauge(registry, "workers.count")).isEqualTo(3);
			assertThat(gauge(registry, "workers.capacity")).isEqualTo(3);
			assertThat(gauge(registry, "workers.busy")).isEqualTo(2);
			assertThat(gauge(registry, "workers.queued")).isZero();
			assertThat(gauge(registry, "workers.idle")).isEqualTo(1);
			assertThat(counter(registry, "workers.resizes")).isEqualTo(1);

			finish.countDown();
			assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
			assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
			soon().until(() -> counter(registry, "workers.completed") == 2);
			assertThat(gauge(registry, "workers.busy")).isZero();
			assertThat(gauge(registry, "workers.idle")).isEqualTo(3);
			assertThat(counter(registry, "workers.rejected")).isEqualTo(1);
		}
	}

	@Test
	void eachRegistryGetsItsOwnMeters() {
		try (Workers workers = Workers.create(settings("virtual", 1, null))) {
			WorkersMeterBinder binder = new WorkersMeterBinder(workers, Optional.empty(), Optional.empty());
			SimpleMeterRegistry one = new SimpleMeterRegistry();
			SimpleMeterRegistry two = new SimpleMeterRegistry();
			binder.bindTo(one);
			binder.bindTo(two);
			workers.resize(2, null, null);
			assertThat(gauge(one, "workers.count")).isEqualTo(2);
			assertThat(gauge(two, "workers.count")).isEqualTo(2);
		}
	}

	@Test
	void theOffloadPoolGetsItsOwnMetersBesideTheWorkers() {
		WorkerSettings settings = settings("thread", 1, null);
		try (Workers workers = Workers.create(settings); OffloadWorkers offload = new OffloadWorkers(settings)) {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new WorkersMeterBinder(workers, Optional.of(offload), Optional.empty()).bindTo(registry);
			assertThat(registry.get("workers.offload.threads").tag("worker.class", "thread").gauge().value())
				.isEqualTo(offload.snapshot().capacity());
			for (String name : new String[] { "workers.offload.completed", "workers.offload.rejected",
					"workers.offload.timeouts" }) {
				assertThat(registry.get(name).functionCounter().count()).isZero();
			}
			assertThat(registry.find("workers.diagnostics.pinned").meter()).isNull();
		}
	}

	@Test
	void theMetersStillReadTheWorkersAfterAGarbageCollection() {
		try (Workers workers = Workers.create(settings("sync", 2, null))) {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new WorkersMeterBinder(workers, Optional.empty(), Optional.empty()).bindTo(registry);
			// Micrometer holds a meter's state weakly: a meter whose state nobody else holds reads NaN once collected.
			System.gc();
			assertThat(gauge(registry, "workers.count")).isEqualTo(2);
			assertThat(counter(registry, "workers.completed")).isZero();
		}
	}

	private static CompletableFuture<Boolean> serveOnAContainerThread(Workers workers, Workers.Handler handler) {
		CompletableFuture<Boolean> result = new CompletableFuture<>();
		workers.containerExecutor().execute(() -> {
			try {
				result.complete((workers.serve(handler) == Workers.Outcome.SERVED));
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	private static double gauge(SimpleMeterRegistry registry, String name) {
		return registry.get(name).gauge().value();
	}

	private static double counter(SimpleMeterRegistry registry, String name) {
		return registry.get(name).functionCounter().count();
	}

	private static ConditionFactory soon() {
		return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
	}

	private static WorkerSettings settings(String workerClass, int workers, Integer maxQueued) {
		return WorkerSettings.builder()
			.workerClass(workerClass)
			.workers(workers)
			.maxQueued(maxQueued)
			.resolve(2);
	}

}
