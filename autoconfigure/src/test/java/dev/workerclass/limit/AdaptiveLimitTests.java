package dev.workerclass.limit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.WorkerSlots;
import dev.workerclass.workers.Workers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link AdaptiveLimit}: Netflix's algorithms fed the slots' samples, on a clock of the
 * test's own (each sample says when it started and how long it took).
 */
class AdaptiveLimitTests {

	private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

	private final Workers workers = Workers.create(WorkerSettings.builder()
		.workerClass("virtual")
		.workers(1)
		.workerConnections(200)
		.timeout(Duration.ZERO)
		.resolve(2));

	/** The test's clock, in nanoseconds. */
	private long now = 1_000 * MS;

	@AfterEach
	void close() {
		this.workers.close(Duration.ofSeconds(1));
	}

	@Test
	void startsAtTwentyWithinItsRangeAndTheWorkersAdmitNoMore() {
		AdaptiveLimit limit = new AdaptiveLimit(this.workers, settings(LimitAlgorithm.GRADIENT, 5, 100));
		assertThat(limit.current()).as("not at a lower minimum").isEqualTo(20);
		assertThat(this.workers.admitting()).isEqualTo(20);
		List<WorkerSlots.Ticket> tickets = new ArrayList<>();
		for (int i = 0; i < 21; i++) {
			tickets.add(this.workers.admit(() -> {
			}));
		}
		assertThat(tickets.stream().filter(WorkerSlots.Ticket::isGranted).count()).isEqualTo(20);
		tickets.forEach(WorkerSlots.Ticket::release);
		assertThat(new AdaptiveLimit(this.workers, settings(LimitAlgorithm.AIMD, 30, 100)).current()).isEqualTo(30);
		assertThat(new AdaptiveLimit(this.workers, settings(LimitAlgorithm.AIMD, 1, 12)).current()).isEqualTo(12);
	}

	@Test
	void aimdGrowsWhileHalfTheLimitIsInUseAndBacksOffOnADrop() {
		AdaptiveLimit limit = new AdaptiveLimit(this.workers, settings(LimitAlgorithm.AIMD, 10, 100));
		for (int i = 0; i < 20; i++) {
			sample(limit, 10 * MS, limit.current(), false);
		}
		assertThat(limit.current()).isEqualTo(40);
		assertThat(this.workers.admitting()).isEqualTo(40);
		sample(limit, 10 * MS, 40, true);
		assertThat(limit.current()).isEqualTo(36);
		for (int i = 0; i < 40; i++) {
			sample(limit, 10 * MS, 1, true);
		}
		assertThat(limit.current()).as("never below the minimum").isEqualTo(10);
		assertThat(limit.report().changes()).isGreaterThan(20);
	}

	@Test
	void aimdSeesNoReasonToGrowWhileLittleOfTheLimitIsUsed() {
		AdaptiveLimit limit = new AdaptiveLimit(this.workers, settings(LimitAlgorithm.AIMD, 10, 100));
		for (int i = 0; i < 50; i++) {
			sample(limit, 10 * MS, 2, false);
		}
		assertThat(limit.current()).isEqualTo(20);
		assertThat(limit.report().changes()).isZero();
	}

	@Test
	void gradientGrowsWhileLatencyHoldsAndFallsWhenItGrows() {
		AdaptiveLimit limit = new AdaptiveLimit(this.workers, settings(LimitAlgorithm.GRADIENT, 5, 150));
		// Ten requests per 100 ms at the limit, 20 ms each, for 60 s: no sign of a queue.
		for (int i = 0; i < 6000; i++) {
			sample(limit, 20 * MS, limit.current(), false);
			this.now += 10 * MS;
		}
		int grown = limit.current();
		assertThat(grown).isGreaterThan(25);
		// A downstream saturates: the same requests now take ten times as long.
		for (int i = 0; i < 3000; i++) {
			sample(limit, 200 * MS, limit.current(), false);
			this.now += 10 * MS;
		}
		assertThat(limit.current()).isLessThan(grown / 2);
		assertThat(this.workers.admitting()).isEqualTo(limit.current());
	}

	@Test
	void vegasFallsWithLatencyButNeverBelowTheMinimum() {
		AdaptiveLimit limit = new AdaptiveLimit(this.workers, settings(LimitAlgorithm.VEGAS, 8, 150));
		for (int i = 0; i < 6000; i++) {
			sample(limit, 20 * MS, limit.current(), false);
			this.now += 10 * MS;
		}
		int grown = limit.current();
		assertThat(grown).isGreaterThan(8);
		for (int i = 0; i < 6000; i++) {
			sample(limit, 2000 * MS, limit.current(), false);
			this.now += 10 * MS;
		}
		assertThat(limit.current()).isLessThan(grown).isGreaterThanOrEqualTo(8);
	}

	@Test
	void neverRisesAboveTheMaximum() {
		AdaptiveLimit limit = new AdaptiveLimit(this.workers, settings(LimitAlgorithm.AIMD, 1, 12));
		for (int i = 0; i < 100; i++) {
			sample(limit, MS, limit.current(), false);
		}
		assertThat(limit.current()).isEqualTo(12);
	}

	@Test
	void reportsTheAlgorithmTheRangeAndWhatTheWorkersAdmit() {
		this.workers.followLimitWithLine();
		AdaptiveLimit limit = new AdaptiveLimit(this.workers, settings(LimitAlgorithm.VEGAS, 7, 90));
		LimitReport report = limit.report();
		assertThat(report.algorithm()).isEqualTo("vegas");
		assertThat(report.current()).isEqualTo(20);
		assertThat(report.min()).isEqualTo(7);
		assertThat(report.max()).isEqualTo(90);
		assertThat(report.lineBound()).as("the line follows the limit").isEqualTo(20);
	}

	@Test
	void stoppedItHearsNoMoreAndTheLimitStaysWhereItIs() {
		AdaptiveLimit limit = new AdaptiveLimit(this.workers, settings(LimitAlgorithm.AIMD, 10, 100));
		limit.stop();
		for (int i = 0; i < 5; i++) {
			this.workers.admit(() -> {
			}).release();
		}
		assertThat(limit.current()).isEqualTo(20);
	}

	@Test
	void settingsDefaultToTwentyUpToTheCapacityAtMaxWorkersAndNameTheBadProperty() {
		LimitSettings defaults = LimitSettings.resolve(LimitAlgorithm.GRADIENT, null, null, 800, Duration.ZERO);
		assertThat(defaults.min()).isEqualTo(20);
		assertThat(defaults.max()).isEqualTo(800);
		assertThat(LimitSettings.resolve(LimitAlgorithm.GRADIENT, null, 8, 800, Duration.ZERO).min()).isEqualTo(8);
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> LimitSettings.resolve(LimitAlgorithm.GRADIENT, null, 801, 800, Duration.ZERO))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.concurrency-limit.max");
				assertThat(ex.getExpected()).contains("1 to 800");
			});
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> LimitSettings.resolve(LimitAlgorithm.AIMD, 50, 40, 800, Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("server.concurrency-limit.min"));
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> LimitSettings.resolve(LimitAlgorithm.AIMD, 0, null, 800, Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("server.concurrency-limit.min"));
	}

	private LimitSettings settings(LimitAlgorithm algorithm, int min, int max) {
		return LimitSettings.resolve(algorithm, min, max, 200, Duration.ZERO);
	}

	private void sample(AdaptiveLimit limit, long held, int inFlight, boolean dropped) {
		limit.released(this.now, held, inFlight, dropped);
	}

}
