package dev.workerclass.workers;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Workers#retryAfterSeconds()}: the time the line takes to drain at the measured
 * rate, in whole seconds, at least 1 and at most the timeout (or a minute); measured only while
 * every slot is busy.
 */
class WorkersRetryAfterTests {

	private static final long SECOND = 1_000_000_000L;

	@Test
	void beforeAnyRateIsMeasuredItIsOneSecond() {
		assertThat(Workers.retryAfterSeconds(new DrainRate(), 100, settings(Duration.ofSeconds(30)))).isEqualTo(1);
	}

	@Test
	void itIsTheLineAndTheClientDividedByTheRateRoundedUp() {
		// Six waiting and the client behind them, at 2.5 a second: 2.8 s.
		assertThat(Workers.retryAfterSeconds(rate(5, 2), 6, settings(Duration.ofSeconds(30)))).isEqualTo(3);
		assertThat(Workers.retryAfterSeconds(rate(10, 1), 19, settings(Duration.ofSeconds(30)))).isEqualTo(2);
	}

	@Test
	void itIsAtLeastOneSecond() {
		assertThat(Workers.retryAfterSeconds(rate(1000, 1), 0, settings(Duration.ofSeconds(30)))).isEqualTo(1);
	}

	@Test
	void itIsAtMostTheTimeoutRoundedUp() {
		assertThat(Workers.retryAfterSeconds(rate(1, 10), 100, settings(Duration.ofSeconds(30)))).isEqualTo(30);
		assertThat(Workers.retryAfterSeconds(rate(1, 10), 100, settings(Duration.ofMillis(1500)))).isEqualTo(2);
		assertThat(Workers.retryAfterSeconds(rate(1, 10), 100, settings(Duration.ofMillis(500)))).isEqualTo(1);
	}

	@Test
	void withoutATimeoutItIsAtMostAMinute() {
		assertThat(Workers.retryAfterSeconds(rate(1, 10), 1000, settings(Duration.ZERO))).isEqualTo(60);
	}

	@Test
	void workersThatCompleteNothingWhileEverySlotIsBusyGiveTheLongestWait() {
		try (Workers workers = Workers.create(settings(Duration.ofSeconds(20)))) {
			workers.admit(() -> {
			}).release();
			WorkerSlots.Ticket stuck = workers.admit(() -> {
			});
			// The first sample starts an interval with every slot busy; it ends with nothing completed.
			workers.sampleDrainRate();
			workers.sampleDrainRate();
			assertThat(workers.retryAfterSeconds()).isEqualTo(20);
			stuck.release();
		}
	}

	@Test
	void idleWorkersMeasureNoRate() {
		try (Workers workers = Workers.create(settings(Duration.ofSeconds(20)))) {
			for (int i = 0; i < 3; i++) {
				workers.admit(() -> {
				}).release();
				workers.sampleDrainRate();
			}
			assertThat(workers.retryAfterSeconds()).isEqualTo(1);
		}
	}

	/** A rate measured as {@code completed} in {@code seconds}. */
	private static DrainRate rate(long completed, long seconds) {
		DrainRate rate = new DrainRate();
		rate.sample(0, 1);
		rate.sample(seconds * SECOND, 1 + completed);
		return rate;
	}

	private static WorkerSettings settings(Duration timeout) {
		return WorkerSettings.builder()
			.workerClass("thread")
			.workers(1)
			.threads(1)
			.maxQueued(10)
			.gracefulTimeout(Duration.ofSeconds(1))
			.timeout(timeout)
			.resolve(2);
	}

}
