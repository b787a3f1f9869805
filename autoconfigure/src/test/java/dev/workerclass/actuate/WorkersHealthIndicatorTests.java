package dev.workerclass.actuate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workerclass.readiness.Readiness;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.WorkerSlots;
import dev.workerclass.workers.Workers;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkersHealthIndicator} and {@link WorkersInfoContributor}.
 */
class WorkersHealthIndicatorTests {

	@Test
	void idleWorkersAreUpWithTheirNumbers() {
		try (Workers workers = Workers.create(settings("thread", 2, 3))) {
			Health health = new WorkersHealthIndicator(workers).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("workerClass", "thread")
				.containsEntry("busy", 0)
				.containsEntry("capacity", 6)
				.containsEntry("queued", 0);
		}
	}

	@Test
	void saturatedWorkersAreStillUpAndShowHowBusyTheyAre() {
		try (Workers workers = Workers.create(
				WorkerSettings.builder()
					.workerClass("reactive")
					.workers(1)
					.workerConnections(2)
					.resolve(2))) {
			WorkerSlots.Ticket a = workers.admit(() -> {
			});
			WorkerSlots.Ticket b = workers.admit(() -> {
			});
			WorkerSlots.Ticket c = workers.admit(() -> {
			});
			Health health = new WorkersHealthIndicator(workers).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("workerClass", "reactive")
				.containsEntry("busy", 2)
				.containsEntry("capacity", 2)
				.containsEntry("queued", 1);
			a.release();
			b.release();
			c.release();
		}
	}

	@Test
	void withReadinessAFullLineIsOutOfServiceWithTheReasonAndADrainedOneIsUpAgain() {
		try (Workers workers = Workers.create(WorkerSettings.builder()
			.workerClass("reactive")
			.workers(1)
			.workerConnections(1)
			.maxQueued(1)
			.resolve(2))) {
			WorkersHealthIndicator indicator = new WorkersHealthIndicator(workers,
					new Readiness(List.of(workers), Duration.ZERO));
			WorkerSlots.Ticket running = workers.admit(() -> {
			});
			WorkerSlots.Ticket waiting = workers.admit(() -> {
			});
			Health full = indicator.health();
			assertThat(full.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(full.getDetails()).containsEntry("shedding", true)
				.containsEntry("draining", false)
				.containsEntry("queued", 1)
				.containsEntry("lineBound", 1);
			assertThat((String) full.getDetails().get("reason")).contains("line is full");
			running.release();
			waiting.release();
			Health drained = indicator.health();
			assertThat(drained.getStatus()).isEqualTo(Status.UP);
			assertThat(drained.getDetails()).containsEntry("shedding", false);
		}
	}

	@Test
	void withReadinessADrainingInstanceIsOutOfService() {
		try (Workers workers = Workers.create(settings("thread", 1, 1))) {
			Readiness readiness = new Readiness(List.of(workers), Duration.ofSeconds(5));
			readiness.startDraining();
			Health health = new WorkersHealthIndicator(workers, readiness).health();
			assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(health.getDetails()).containsEntry("draining", true);
		}
	}

	@Test
	void healthFollowsAServedRequestAndAResize() throws Exception {
		try (Workers workers = Workers.create(settings("sync", 1, null))) {
			WorkersHealthIndicator indicator = new WorkersHealthIndicator(workers);
			CountDownLatch running = new CountDownLatch(1);
			CountDownLatch finish = new CountDownLatch(1);
			CompletableFuture<Boolean> served = new CompletableFuture<>();
			workers.containerExecutor().execute(() -> {
				try {
					served.complete((workers.serve(() -> {
						running.countDown();
						finish.await(10, TimeUnit.SECONDS);
					}) == Workers.Outcome.SERVED));
				}
				catch (Throwable ex) {
					served.completeExceptionally(ex);
				}
			});
			assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
			workers.resize(4, null, null);
			assertThat(indicator.health().getDetails()).containsEntry("busy", 1).containsEntry("capacity", 4);
			finish.countDown();
			assertThat(served.get(10, TimeUnit.SECONDS)).isTrue();
			assertThat(indicator.health().getDetails()).containsEntry("busy", 0);
		}
	}

	@Test
	void infoGivesTheWorkerClassAndTheEngine() {
		try (Workers workers = Workers.create(settings("virtual", 1, null))) {
			Info.Builder builder = new Info.Builder();
			new WorkersInfoContributor(workers, () -> "jetty").contribute(builder);
			Info info = builder.build();
			assertThat(info.getDetails()).containsOnlyKeys("workers");
			assertThat(info.get("workers")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("workerClass", "virtual")
				.containsEntry("engine", "jetty");
		}
	}

	private static WorkerSettings settings(String workerClass, int workers, Integer threads) {
		return WorkerSettings.builder().workerClass(workerClass).workers(workers).threads(threads).resolve(2);
	}

}
