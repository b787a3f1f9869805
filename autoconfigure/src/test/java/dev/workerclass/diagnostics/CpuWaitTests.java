package dev.workerclass.diagnostics;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link CpuWait} against this machine's kernel: what it reads is the calling thread's own.
 */
class CpuWaitTests {

	@Test
	void aThreadThatSleepsCountsAVoluntarySwitchForEachSleep() throws InterruptedException {
		long before = CpuWait.voluntarySwitchesOfCurrentThread();
		assumeTrue(before >= 0, "the kernel's per-thread counts are read on Linux");
		for (int i = 0; i < 5; i++) {
			Thread.sleep(2);
		}
		// Not nonvoluntary_ctxt_switches, which sleeping does not raise.
		assertThat(CpuWait.voluntarySwitchesOfCurrentThread()).isGreaterThanOrEqualTo(before + 5);
	}

	@Test
	void aThreadsCpuTimeGrowsWhileItComputes() {
		CpuWait.Times before = CpuWait.ofCurrentThread();
		assumeTrue(before != null, "the kernel's per-thread times are read on Linux");
		long end = System.nanoTime() + Duration.ofMillis(50).toNanos();
		long sum = 0;
		while (System.nanoTime() < end) {
			sum += end % 7;
		}
		CpuWait.Times after = CpuWait.ofCurrentThread();
		assertThat(after).isNotNull();
		// Generous: run plus queued covers the 50 ms spun, whatever else the machine does; the
		// kernel's run time may lag by a scheduler tick.
		assertThat((after.runNanos() - before.runNanos()) + (after.waitNanos() - before.waitNanos()))
			.as("sum %d", sum)
			.isGreaterThan(Duration.ofMillis(20).toNanos());
	}

}
