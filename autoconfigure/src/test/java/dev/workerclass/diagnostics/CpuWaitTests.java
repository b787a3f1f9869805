package dev.workerclass.diagnostics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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

	@Test
	void threadsPastTheOnesThatKeepTheirFileOpenReadItAfresh() throws InterruptedException {
		assumeTrue(CpuWait.ofCurrentThread() != null, "the kernel's per-thread times are read on Linux");
		int threads = ThreadSchedstat.MAX_OPEN + 20;
		AtomicInteger read = new AtomicInteger();
		List<Thread> started = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			started.add(Thread.ofPlatform().start(() -> {
				CpuWait.Times first = CpuWait.ofCurrentThread();
				CpuWait.Times second = CpuWait.ofCurrentThread();
				if (first != null && second != null && second.runNanos() >= first.runNanos()) {
					read.incrementAndGet();
				}
			}));
		}
		for (Thread thread : started) {
			thread.join();
		}
		assertThat(read.get()).isEqualTo(threads);
		Thread.ofVirtual().start(() -> assertThat(CpuWait.ofCurrentThread()).as("a virtual thread, its carrier's")
			.isNotNull()).join();
	}

}
