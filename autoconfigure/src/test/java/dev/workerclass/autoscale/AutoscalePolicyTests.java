package dev.workerclass.autoscale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.workerclass.autoscale.Decision.Direction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Specification of {@link AutoscalePolicy} on a fake clock: samples every interval, decisions
 * applied at once, as the {@link Autoscaler} does.
 */
class AutoscalePolicyTests {

	/** Requests one worker serves at once (a thread worker of 4 threads, say). */
	private static final int PER_WORKER = 4;

	private static final Duration INTERVAL = Duration.ofMillis(100);

	private AutoscalePolicy policy = new AutoscalePolicy(AutoscaleSettings.defaults(1, 8));

	// Starts near the end of the nanoTime range: the policy must compare times by difference.
	private long now = Long.MAX_VALUE - Duration.ofSeconds(30).toNanos();

	private int workers = 2;

	private final List<Decision> decisions = new ArrayList<>();

	private final List<Long> decidedAt = new ArrayList<>();

	private void use(AutoscaleSettings settings) {
		this.policy = new AutoscalePolicy(settings);
	}

	private static AutoscaleSettings settings(Duration growAfter, Duration shrinkAfter, Duration cooldown, int min,
			int max) {
		return new AutoscaleSettings(INTERVAL, growAfter, shrinkAfter, cooldown, 0.5, 0.25, min, max);
	}

	/** {@code demand} requests at once for {@code duration}: as many as fit are busy, the rest wait. */
	private void demand(Duration duration, int demand) {
		long end = this.now + duration.toNanos();
		while (end - this.now > 0) {
			int capacity = this.workers * PER_WORKER;
			look(Math.min(demand, capacity), Math.max(0, demand - capacity));
		}
	}

	/** Exactly {@code busy} busy and {@code queued} waiting for {@code duration}, whatever the size. */
	private void load(Duration duration, int busy, int queued) {
		long end = this.now + duration.toNanos();
		while (end - this.now > 0) {
			look(busy, queued);
		}
	}

	private void look(int busy, int queued) {
		this.now += INTERVAL.toNanos();
		this.policy.offer(new Load(this.now, this.workers, this.workers * PER_WORKER, busy, queued))
			.ifPresent((decision) -> {
				this.decisions.add(decision);
				this.decidedAt.add(this.now);
				this.workers = decision.to();
			});
	}

	private void manualResize(int to) {
		this.workers = to;
		this.policy.manualResize(this.now, to);
	}

	private Duration between(int first, int second) {
		return Duration.ofNanos(this.decidedAt.get(second) - this.decidedAt.get(first));
	}

	@Test
	void growsWhenWorkersStayBusyAndRequestsWait() {
		demand(Duration.ofMillis(2800), 12);
		assertThat(this.decisions).isEmpty();
		demand(Duration.ofMillis(300), 12);
		assertThat(this.decisions).singleElement().satisfies((decision) -> {
			assertThat(decision.direction()).isEqualTo(Direction.UP);
			assertThat(decision.from()).isEqualTo(2);
			assertThat(decision.to()).isEqualTo(3);
			assertThat(decision.reason()).isEqualTo("busy 100% over 3s, 4 waiting");
			assertThat(decision.describe()).isEqualTo("2 -> 3 workers (busy 100% over 3s, 4 waiting)");
			assertThat(decision.at()).isNull();
		});
	}

	@Test
	void doesNotGrowOnABlip() {
		demand(Duration.ofMillis(500), 40);
		demand(Duration.ofSeconds(6), 3);
		assertThat(this.decisions).isEmpty();
	}

	@Test
	void doesNotGrowWhenBusyButNothingWaits() {
		load(Duration.ofMinutes(1), 8, 0);
		assertThat(this.decisions).isEmpty();
	}

	@Test
	void growsToFitThePeakAtOnce() {
		this.workers = 1;
		demand(Duration.ofMillis(1500), 10);
		demand(Duration.ofMillis(100), 26);
		demand(Duration.ofMillis(1500), 10);
		assertThat(this.decisions).singleElement().satisfies((decision) -> {
			assertThat(decision.from()).isEqualTo(1);
			// A peak of 26 requests at 4 a worker: 7 workers, in one step.
			assertThat(decision.to()).isEqualTo(7);
		});
	}

	@Test
	void growsByAtLeastOneWorker() {
		// Busy share exactly at the threshold: 4 of 8 slots, and one request waiting in every look.
		load(Duration.ofSeconds(4), 4, 1);
		assertThat(this.decisions).singleElement().extracting(Decision::to).isEqualTo(3);
	}

	@Test
	void neverGrowsAboveMaxWorkers() {
		demand(Duration.ofMinutes(2), 1000);
		assertThat(this.decisions).singleElement().satisfies((decision) -> {
			assertThat(decision.from()).isEqualTo(2);
			assertThat(decision.to()).isEqualTo(8);
		});
		assertThat(this.workers).isEqualTo(8);
	}

	@Test
	void shrinksAfterSustainedIdlenessToFitThePeak() {
		this.workers = 8;
		demand(Duration.ofMillis(9800), 5);
		assertThat(this.decisions).isEmpty();
		demand(Duration.ofMillis(300), 5);
		assertThat(this.decisions).singleElement().satisfies((decision) -> {
			assertThat(decision.direction()).isEqualTo(Direction.DOWN);
			assertThat(decision.from()).isEqualTo(8);
			// 5 busy at 4 a worker fit in 2.
			assertThat(decision.to()).isEqualTo(2);
			assertThat(decision.reason()).isEqualTo("busy 16% over 10s");
		});
	}

	@Test
	void neverShrinksBelowMinWorkers() {
		use(settings(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(10), 3, 8));
		this.workers = 8;
		demand(Duration.ofMinutes(5), 0);
		assertThat(this.decisions).singleElement().extracting(Decision::to).isEqualTo(3);
	}

	@Test
	void doesNotShrinkWhenOneCycleWasBusy() {
		this.workers = 8;
		demand(Duration.ofSeconds(4), 1);
		// A busy spell inside the shrink window: the mean over 10 s is low, but this cycle was not idle.
		demand(Duration.ofSeconds(3), 20);
		demand(Duration.ofSeconds(6), 1);
		assertThat(this.decisions).isEmpty();
	}

	@Test
	void takesNoDecisionWithinTheCooldownAfterAGrowth() {
		this.workers = 1;
		demand(Duration.ofMillis(3100), 10);
		assertThat(this.decisions).hasSize(1);
		// Far more than the new size serves at once, at once: it still waits out the cool-down.
		demand(Duration.ofSeconds(20), 30);
		assertThat(this.decisions).hasSize(2);
		assertThat(between(0, 1)).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void doesNotShrinkRightAfterAGrowth() {
		use(settings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10), 1, 8));
		demand(Duration.ofMillis(1100), 12);
		assertThat(this.decisions).hasSize(1);
		demand(Duration.ofSeconds(20), 0);
		assertThat(this.decisions).hasSize(2);
		assertThat(this.decisions.get(1).direction()).isEqualTo(Direction.DOWN);
		assertThat(between(0, 1)).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void aSteadyLoadWithoutWaitingDoesNotFlap() {
		this.workers = 4;
		// 60% busy, give or take a request, for ten minutes.
		for (int minute = 0; minute < 10; minute++) {
			load(Duration.ofSeconds(20), 9, 0);
			load(Duration.ofSeconds(20), 10, 0);
			load(Duration.ofSeconds(20), 11, 0);
		}
		assertThat(this.decisions).isEmpty();
	}

	@Test
	void aSteadyOverloadAtMaxWorkersDoesNotFlap() {
		this.workers = 8;
		load(Duration.ofMinutes(10), 32, 10);
		assertThat(this.decisions).isEmpty();
	}

	@Test
	void aSteadyLoadSettlesAfterOneShrink() {
		this.workers = 8;
		load(Duration.ofMinutes(10), 6, 0);
		// 6 busy of 32 is idle: one shrink to fit them (2 workers), then 75% busy with nothing waiting.
		assertThat(this.decisions).singleElement().extracting(Decision::to).isEqualTo(2);
	}

	@Test
	void aGrowthSoonAfterAShrinkDoublesTheShrinkTimeAndACalmSpellHalvesIt() {
		use(settings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 8));
		this.workers = 4;
		demand(Duration.ofMillis(2100), 0);
		assertThat(this.decisions).singleElement().extracting(Decision::direction).isEqualTo(Direction.DOWN);
		demand(Duration.ofMillis(1100), 12);
		assertThat(this.decisions).hasSize(2);
		assertThat(this.policy.penalty()).isEqualTo(2);
		assertThat(this.policy.shrinkTime()).isEqualTo(Duration.ofSeconds(4));
		// Idle again (the growth came 200 ms before the end): the shrink now waits 4 s, not 2.
		demand(Duration.ofMillis(3700), 0);
		assertThat(this.decisions).hasSize(2);
		demand(Duration.ofMillis(300), 0);
		assertThat(this.decisions).hasSize(3);
		assertThat(this.decisions.get(2).reason()).isEqualTo("busy 5% over 4s");
		// No flap for ten times the penalised shrink time (40 s since the flap): back to 2 s.
		demand(Duration.ofSeconds(36), 0);
		assertThat(this.policy.penalty()).isEqualTo(1);
	}

	@Test
	void thePenaltyStopsAtEightfold() {
		use(settings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 8));
		for (int flap = 0; flap < 6; flap++) {
			this.workers = 4;
			this.policy.manualResize(this.now, 4);
			demand(this.policy.shrinkTime().plusSeconds(1).plusMillis(100), 0);
			demand(Duration.ofMillis(1100), 12);
		}
		assertThat(this.policy.penalty()).isEqualTo(AutoscalePolicy.MAX_PENALTY);
		assertThat(this.policy.shrinkTime()).isEqualTo(Duration.ofSeconds(16));
	}

	@Test
	void aManualResizeStartsTheCooldown() {
		demand(Duration.ofSeconds(2), 12);
		manualResize(3);
		long resizedAt = this.now;
		demand(Duration.ofSeconds(20), 20);
		assertThat(this.decisions).singleElement().extracting(Decision::from).isEqualTo(3);
		assertThat(Duration.ofNanos(this.decidedAt.get(0) - resizedAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void aManualSizeBelowMinWorkersStaysUntilTheLoadGrowsIt() {
		use(settings(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(10), 3, 8));
		manualResize(1);
		demand(Duration.ofMinutes(2), 1);
		assertThat(this.decisions).isEmpty();
		demand(Duration.ofSeconds(4), 8);
		assertThat(this.decisions).singleElement().extracting(Decision::to).isEqualTo(2);
	}

	@Test
	void aManualSizeAboveMaxWorkersStaysUntilIdlenessShrinksIt() {
		manualResize(12);
		demand(Duration.ofMinutes(2), 40);
		assertThat(this.decisions).isEmpty();
		demand(Duration.ofSeconds(11), 2);
		assertThat(this.decisions).singleElement().extracting(Decision::to).isEqualTo(1);
	}

}
