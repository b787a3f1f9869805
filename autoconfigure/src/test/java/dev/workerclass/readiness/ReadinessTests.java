package dev.workerclass.readiness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.WorkerSlots;
import dev.workerclass.workers.Workers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Readiness}: real reactive workers (slots taken with {@code admit}, no threads)
 * and a clock that a test moves forward. The workers stamp their 503s with the real
 * {@link System#nanoTime()}, so the test clock is the real one plus an offset.
 */
class ReadinessTests {

	private final AtomicLong offset = new AtomicLong();

	private final List<WorkerSlots.Ticket> tickets = new ArrayList<>();

	/** One worker of 2 connections and a line of 4. */
	private final Workers workers = Workers.create(
			WorkerSettings.builder().workerClass("reactive").workers(1).workerConnections(2).maxQueued(4).resolve(2));

	private final Readiness readiness = new Readiness(List.of(this.workers), Duration.ofSeconds(5),
			() -> System.nanoTime() + this.offset.get());

	@AfterEach
	void release() {
		this.tickets.forEach(WorkerSlots.Ticket::release);
		this.workers.close();
	}

	@Test
	void idleWorkersAcceptTraffic() {
		Readiness.State state = this.readiness.check();
		assertThat(state.acceptingTraffic()).isTrue();
		assertThat(state.shedding()).isFalse();
		assertThat(state.draining()).isFalse();
	}

	@Test
	void busyWorkersWithRoomInTheLineStillAcceptTraffic() {
		admit(2 + 3);
		assertThat(this.workers.snapshot().queued()).isEqualTo(3);
		assertThat(this.readiness.check().acceptingTraffic()).isTrue();
	}

	@Test
	void aFullLineStopsTrafficAndSaysWhy() {
		admit(2 + 4);
		Readiness.State state = this.readiness.check();
		assertThat(state.acceptingTraffic()).isFalse();
		assertThat(state.shedding()).isTrue();
		assertThat(state.reason()).contains("line is full").contains("4 of 4");
	}

	@Test
	void aRejectionStopsTrafficForTheHoldEvenOnceTheLineIsEmpty() {
		admit(2 + 4);
		WorkerSlots.Ticket refused = this.workers.admit(() -> {
		});
		assertThat(refused.isRejected()).isTrue();
		releaseAll();
		assertThat(this.workers.snapshot().queued()).isZero();
		Readiness.State state = this.readiness.check();
		assertThat(state.acceptingTraffic()).isFalse();
		assertThat(state.reason()).contains("answered 503");
		this.offset.set(Duration.ofSeconds(4).toNanos());
		assertThat(this.readiness.check().acceptingTraffic()).isFalse();
		this.offset.set(Duration.ofSeconds(6).toNanos());
		assertThat(this.readiness.check().acceptingTraffic()).isTrue();
	}

	@Test
	void aSheddingInstanceComesBackOnlyOnceTheLineIsAtMostHalfFull() {
		admit(2 + 4);
		assertThat(this.readiness.check().acceptingTraffic()).isFalse();
		// Three of four waiting: no longer full, but above half, so still out (the hysteresis).
		releaseOldest(1);
		assertThat(this.workers.snapshot().queued()).isEqualTo(3);
		Readiness.State state = this.readiness.check();
		assertThat(state.acceptingTraffic()).isFalse();
		assertThat(state.reason()).contains("not drained to half");
		releaseOldest(1);
		assertThat(this.workers.snapshot().queued()).isEqualTo(2);
		assertThat(this.readiness.check().acceptingTraffic()).isTrue();
		// And an instance in rotation stays in with three waiting: it leaves only when full.
		admit(1);
		assertThat(this.readiness.check().acceptingTraffic()).isTrue();
	}

	@Test
	void drainingStopsTrafficWhateverTheLoad() {
		this.readiness.startDraining();
		Readiness.State state = this.readiness.check();
		assertThat(state.acceptingTraffic()).isFalse();
		assertThat(state.draining()).isTrue();
		assertThat(state.shedding()).isFalse();
		assertThat(state.reason()).contains("shutting down");
	}

	@Test
	void aTimeoutCountsAsA503() {
		this.workers.countTimeout();
		assertThat(this.readiness.check().acceptingTraffic()).isFalse();
		this.offset.set(Duration.ofSeconds(6).toNanos());
		assertThat(this.readiness.check().acceptingTraffic()).isTrue();
	}

	@Test
	void aNegativeHoldIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Readiness(List.of(this.workers), Duration.ofSeconds(-1)))
			.withMessageContaining("PT-1S");
	}

	private void admit(int requests) {
		for (int i = 0; i < requests; i++) {
			WorkerSlots.Ticket ticket = this.workers.admit(() -> {
			});
			assertThat(ticket.isRejected()).isFalse();
			this.tickets.add(ticket);
		}
	}

	private void releaseOldest(int requests) {
		for (int i = 0; i < requests; i++) {
			this.tickets.remove(0).release();
		}
	}

	private void releaseAll() {
		releaseOldest(this.tickets.size());
	}

}
