package dev.workerclass.workers;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Alarm}.
 */
class AlarmTests {

	@Test
	void anAlarmStuckBeforeItsInterruptDoesNotHoldUpTheNextOne() throws Exception {
		CountDownLatch stuck = new CountDownLatch(1);
		CountDownLatch stuckStarted = new CountDownLatch(1);
		Thread first = Thread.startVirtualThread(() -> sleepUninterrupted(stuck));
		Thread second = Thread.ofPlatform().start(() -> {
			try {
				Thread.sleep(10_000);
			}
			catch (InterruptedException ex) {
				// expected: the second alarm
			}
		});
		long now = System.nanoTime();
		// The first alarm's sealing blocks, as sealing a response does behind a write to a slow client.
		Alarm.interruptAt(first, now, () -> {
			stuckStarted.countDown();
			sleepUninterrupted(stuck);
		});
		assertThat(stuckStarted.await(5, TimeUnit.SECONDS)).isTrue();
		Alarm secondAlarm = Alarm.interruptAt(second, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
		second.join(5_000);
		assertThat(second.isAlive()).as("interrupted at its deadline while the first alarm is still stuck").isFalse();
		assertThat(secondAlarm.rang()).isTrue();
		stuck.countDown();
		first.join(5_000);
	}

	@Test
	void anAlarmArmedWhileTheTimerSleepsTowardsALaterDeadlineRingsAtItsOwn() throws Exception {
		Thread sleeper = Thread.ofPlatform().start(() -> {
			try {
				Thread.sleep(10_000);
			}
			catch (InterruptedException ex) {
				// expected: the early alarm
			}
		});
		long now = System.nanoTime();
		// The timer plans for the later deadline first; the earlier alarm must wake it.
		Alarm later = Alarm.interruptAt(Thread.currentThread(), now + TimeUnit.SECONDS.toNanos(20));
		Alarm early = Alarm.interruptAt(sleeper, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
		sleeper.join(5_000);
		assertThat(sleeper.isAlive()).as("interrupted at its deadline").isFalse();
		assertThat(early.rang()).isTrue();
		assertThat(later.disarm()).isTrue();
		assertThat(later.rang()).isFalse();
	}

	@Test
	void aDisarmedAlarmNeverRings() throws Exception {
		Alarm alarm = Alarm.interruptAt(Thread.currentThread(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
		assertThat(alarm.disarm()).isTrue();
		Thread.sleep(200);
		assertThat(alarm.rang()).isFalse();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void anAlarmWithoutAThreadRunsItsActionAtTheDeadline() throws Exception {
		CountDownLatch ran = new CountDownLatch(1);
		long armedAt = System.nanoTime();
		Alarm alarm = Alarm.runAt(armedAt + TimeUnit.MILLISECONDS.toNanos(50), ran::countDown);
		assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(System.nanoTime() - armedAt).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
		assertThat(alarm.rang()).isTrue();
		assertThat(alarm.disarm()).as("done after the deadline").isFalse();
		assertThat(Thread.currentThread().isInterrupted()).as("an alarm without a thread interrupts none").isFalse();
	}

	@Test
	void anAlarmWithoutAThreadDisarmedInTimeNeverRunsItsAction() throws Exception {
		CountDownLatch ran = new CountDownLatch(1);
		Alarm alarm = Alarm.runAt(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), ran::countDown);
		assertThat(alarm.disarm()).isTrue();
		assertThat(ran.await(200, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(alarm.rang()).isFalse();
	}

	private static void sleepUninterrupted(CountDownLatch latch) {
		while (true) {
			try {
				latch.await();
				return;
			}
			catch (InterruptedException ex) {
				// keep waiting: a handler that ignores its interrupt
			}
		}
	}

}
