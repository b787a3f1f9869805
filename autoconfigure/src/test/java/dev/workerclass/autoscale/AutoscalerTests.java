package dev.workerclass.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import dev.workerclass.autoscale.Decision.Direction;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import dev.workerclass.workers.WorkersSnapshot;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Specification of {@link Autoscaler} on real {@code thread} workers (1 worker of 2 threads, up to
 * 8) with short windows. Timings only bound from below what the policy guarantees, and wait
 * generously for the rest: the machine is shared.
 */
class AutoscalerTests {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final CountDownLatch release = new CountDownLatch(1);

	private final List<Thread> requests = new CopyOnWriteArrayList<>();

	private @Nullable Workers workers;

	private @Nullable Autoscaler autoscaler;

	@AfterEach
	void stop() {
		this.release.countDown();
		if (this.autoscaler != null) {
			this.autoscaler.stop();
		}
		if (this.workers != null) {
			this.workers.close(Duration.ofSeconds(5));
		}
	}

	private static WorkerSettings settings(int workers) {
		return WorkerSettings.builder()
			.workerClass("thread")
			.workers(workers)
			.threads(2)
			.maxWorkers(8)
			.timeout(Duration.ZERO)
			.resolve(2);
	}

	private static AutoscaleSettings autoscale(Duration cooldown) {
		return new AutoscaleSettings(Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofMillis(400), cooldown,
				0.5, 0.25, 1, 8);
	}

	private Autoscaler start(Workers workers, AutoscaleSettings settings) {
		this.workers = workers;
		this.autoscaler = new Autoscaler(workers, settings);
		this.autoscaler.start();
		return this.autoscaler;
	}

	/** {@code count} requests that hold their slot (or wait for one) until released. */
	private void hold(Workers workers, int count) {
		for (int i = 0; i < count; i++) {
			this.requests.add(Thread.ofVirtual().start(() -> {
				try {
					workers.serve(() -> this.release.await());
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}));
		}
		await().atMost(PATIENCE).until(() -> {
			WorkersSnapshot snapshot = workers.snapshot();
			return snapshot.busy() + snapshot.queued() == count;
		});
	}

	@Test
	void growsToFitWaitingRequestsAndShrinksBackWhenIdle() throws InterruptedException {
		Workers workers = Workers.create(settings(1));
		Autoscaler autoscaler = start(workers, autoscale(Duration.ofMillis(200)));
		List<Decision> seen = new CopyOnWriteArrayList<>();
		List<String> threads = new CopyOnWriteArrayList<>();
		autoscaler.onDecision((decision) -> {
			seen.add(decision);
			threads.add(Thread.currentThread().getName());
		});
		Instant before = Instant.now();
		hold(workers, 10);
		// 10 requests at 2 a worker: 5 workers, in one step.
		await().atMost(PATIENCE).until(() -> workers.settings().workers() == 5);
		assertThat(seen).first().satisfies((decision) -> {
			assertThat(decision.direction()).isEqualTo(Direction.UP);
			assertThat(decision.from()).isEqualTo(1);
			assertThat(decision.to()).isEqualTo(5);
			assertThat(decision.at()).isAfterOrEqualTo(before);
		});
		assertThat(workers.snapshot().queued()).isZero();
		this.release.countDown();
		for (Thread request : this.requests) {
			request.join(PATIENCE.toMillis());
		}
		await().atMost(PATIENCE).until(() -> workers.settings().workers() == 1);
		assertThat(seen).last().satisfies((decision) -> assertThat(decision.direction()).isEqualTo(Direction.DOWN));
		assertThat(threads).containsOnly(Autoscaler.THREAD_NAME);
		AutoscaleReport report = autoscaler.report();
		assertThat(report.enabled()).isTrue();
		assertThat(report.minWorkers()).isEqualTo(1);
		assertThat(report.maxWorkers()).isEqualTo(8);
		assertThat(report.decisions()).isEqualTo(seen.size());
		assertThat(report.last()).isEqualTo(seen.get(seen.size() - 1));
		assertThat(report.stopped()).isNull();
	}

	@Test
	void aManualResizeStartsTheCooldownAndScalingGoesOnFromTheNewSize() {
		Workers workers = Workers.create(settings(1));
		Duration cooldown = Duration.ofSeconds(1);
		Autoscaler autoscaler = start(workers, autoscale(cooldown));
		long resizedAt = System.nanoTime();
		workers.resize(4, null, null);
		// Idle, so the autoscaler shrinks it back, but only once the cool-down is over.
		await().atMost(PATIENCE).until(() -> workers.settings().workers() == 1);
		long shrunkAt = System.nanoTime();
		assertThat(Duration.ofNanos(shrunkAt - resizedAt)).isGreaterThanOrEqualTo(cooldown);
		assertThat(autoscaler.report().decisions()).isEqualTo(1);
		assertThat(autoscaler.report().last()).isNotNull().satisfies((decision) -> {
			assertThat(decision.from()).isEqualTo(4);
			assertThat(decision.to()).isEqualTo(1);
		});
	}

	@Test
	void stopsWithTheReasonOnWorkersWhoseCountIsPinned() {
		Workers workers = Workers.create(settings(1));
		workers.pinWorkerCount("fixed when the engine starts");
		Autoscaler autoscaler = start(workers, autoscale(Duration.ofMillis(200)));
		assertThat(autoscaler.isRunning()).isFalse();
		assertThat(autoscaler.report().enabled()).isFalse();
		assertThat(autoscaler.report().stopped()).isEqualTo("the worker count is pinned: fixed when the engine starts");
	}

	@Test
	void stopsWhenTheCountIsPinnedWhileItRuns() {
		Workers workers = Workers.create(settings(1));
		Autoscaler autoscaler = start(workers, autoscale(Duration.ofMillis(200)));
		assertThat(autoscaler.isRunning()).isTrue();
		workers.pinWorkerCount("fixed now");
		await().atMost(PATIENCE).until(() -> !autoscaler.isRunning());
		assertThat(autoscaler.stoppedReason()).contains("fixed now");
		// Stopped for good: starting again does not retry.
		autoscaler.start();
		assertThat(autoscaler.isRunning()).isFalse();
	}

	@Test
	void stopsWithoutAClassToRun() {
		Autoscaler autoscaler = start(new ObservedWorkers(settings(1), "the engine serves"),
				autoscale(Duration.ofMillis(200)));
		assertThat(autoscaler.isRunning()).isFalse();
		assertThat(autoscaler.stoppedReason()).contains("server.worker-class");
	}

	@Test
	void stopsWithTheReasonWhenAResizeFails() {
		Workers refusing = new RefusingWorkers(settings(4));
		Autoscaler autoscaler = start(refusing, autoscale(Duration.ofMillis(200)));
		// Idle at 4 workers: it decides to shrink, the resize fails, and it stops instead of retrying.
		await().atMost(PATIENCE).until(() -> !autoscaler.isRunning());
		assertThat(autoscaler.report().stopped()).startsWith("resize to 1 workers failed: ")
			.contains("no resizes here");
		assertThat(autoscaler.report().decisions()).isZero();
		assertThat(((RefusingWorkers) refusing).attempts).isEqualTo(1);
	}

	@Test
	void canBeStoppedAndStartedAgain() throws InterruptedException {
		Workers workers = Workers.create(settings(1));
		Autoscaler autoscaler = start(workers, autoscale(Duration.ofMillis(200)));
		autoscaler.stop();
		assertThat(autoscaler.isRunning()).isFalse();
		assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
				(thread) -> thread.getName().equals(Autoscaler.THREAD_NAME) && thread.isAlive());
		autoscaler.start();
		assertThat(autoscaler.isRunning()).isTrue();
		hold(workers, 6);
		await().atMost(PATIENCE).until(() -> workers.settings().workers() == 3);
	}

	/** Workers whose resize always fails, as one on an engine that cannot follow would. */
	private static final class RefusingWorkers extends Workers {

		private volatile int attempts;

		RefusingWorkers(WorkerSettings settings) {
			super(settings, "refusing-");
		}

		@Override
		public synchronized WorkersSnapshot resize(@Nullable Integer workers, @Nullable Integer threads,
				@Nullable Integer workerConnections) {
			this.attempts++;
			throw new InvalidWorkerSettingException("workers", workers, "no resizes here");
		}

		@Override
		public void close(Duration grace) {
		}

	}

}
