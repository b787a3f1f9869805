package dev.workerclass.diagnostics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link EventLoopDiagnostics}, with single-thread executors as the loops.
 */
class EventLoopDiagnosticsTests {

	private static final Duration THRESHOLD = EventLoopDiagnostics.DEFAULT_BLOCKED_THRESHOLD;

	private final List<ExecutorService> executors = new ArrayList<>();

	private final AtomicReference<List<Executor>> loops = new AtomicReference<>(List.of());

	private final List<Finding> logged = Collections.synchronizedList(new ArrayList<>());

	private final FindingLog log = new FindingLog(this.logged::add);

	private final EventLoopDiagnostics diagnostics = new EventLoopDiagnostics(this.loops::get, THRESHOLD,
			EventLoopDiagnostics.DEFAULT_PROBE_INTERVAL, this.log);

	@AfterEach
	void close() throws InterruptedException {
		this.diagnostics.close();
		for (ExecutorService executor : this.executors) {
			executor.shutdownNow();
			assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void reportsABlockedLoopOnceWithItsStack() throws Exception {
		this.loops.set(List.of(newLoop("loop-a"), newLoop("loop-b")));
		this.diagnostics.start();
		awaitSmallLags(2);
		CountDownLatch done = new CountDownLatch(1);
		this.loops.get().get(1).execute(() -> {
			blockTheLoop(Duration.ofMillis(1500));
			done.countDown();
		});
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			EventLoopReport report = this.diagnostics.snapshot();
			assertThat(report.blockedEvents()).isEqualTo(1);
			assertThat(report.lastLagPerLoop().get(1)).isGreaterThan(THRESHOLD);
		});
		// Reported while it still blocks: the stack is the blocking call's, with the test's frame.
		assertThat(done.getCount()).isEqualTo(1);
		assertThat(this.logged).singleElement().satisfies((finding) -> {
			assertThat(finding.kind()).isEqualTo(Finding.Kind.BLOCKED_LOOP);
			assertThat(finding.stack()).anySatisfy((frame) -> assertThat(frame).contains("sleep"));
			assertThat(finding.stack()).anySatisfy((frame) -> assertThat(frame)
				.contains(EventLoopDiagnosticsTests.class.getName() + ".blockTheLoop("));
			assertThat(finding.stack()).anySatisfy((frame) -> assertThat(frame)
				.contains(EventLoopDiagnosticsTests.class.getName() + ".lambda$reportsABlockedLoopOnceWithItsStack$"));
			assertThat(finding.summary()).startsWith("event loop 1 (loop-b) blocked over ")
				.contains("EventLoopDiagnosticsTests.blockTheLoop(");
		});
		assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
		// Once it ends: the lag is small again, and the finding holds the whole episode, counted once.
		awaitSmallLags(2);
		EventLoopReport report = this.diagnostics.snapshot();
		assertThat(report.blockedEvents()).isEqualTo(1);
		// The probe in flight may have been sent up to one probe interval after the block began.
		assertThat(report.maxLag()).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
		assertThat(report.top()).singleElement().satisfies((finding) -> {
			assertThat(finding.count()).isEqualTo(1);
			assertThat(finding.longest()).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
			assertThat(finding.summary()).startsWith("event loop 1 (loop-b) blocked 1.");
		});
		assertThat(this.logged).hasSize(1);
	}

	@Test
	void aLoopWhoseThreadWaitsForACpuIsNotReportedAsBlocked() throws Exception {
		assumeTrue(CpuWait.currentOsThreadId() != 0, "the kernel's per-thread times are read on Linux");
		// A kernel that says the loop's thread spends most of its time ready but waiting for a CPU,
		// as on one core while the JIT compilers of a warming JVM run: the probe's lag is real,
		// but no handler blocked the loop.
		AtomicLong reads = new AtomicLong();
		CpuWait preempted = (tid) -> {
			long n = reads.incrementAndGet();
			return new CpuWait.Times(n * 10_000_000, n * 90_000_000);
		};
		EventLoopDiagnostics starved = new EventLoopDiagnostics(this.loops::get, THRESHOLD,
				EventLoopDiagnostics.DEFAULT_PROBE_INTERVAL, this.log, preempted);
		try {
			this.loops.set(List.of(newLoop("loop-a")));
			starved.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> starved.snapshot().loops() == 1
					&& starved.snapshot().lastLagPerLoop().get(0).compareTo(Duration.ofMillis(100)) < 0);
			CountDownLatch done = new CountDownLatch(1);
			this.loops.get().get(0).execute(() -> {
				blockTheLoop(Duration.ofMillis(1200));
				done.countDown();
			});
			assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> starved.preemptedEvents() == 1);
			assertThat(starved.snapshot().maxLag()).isGreaterThan(THRESHOLD);
			assertThat(starved.snapshot().blockedEvents()).isZero();
			assertThat(this.logged).isEmpty();
		}
		finally {
			starved.close();
		}
	}

	@Test
	void aLoopRunningOneLongTaskIsReportedAsBlocked() throws Exception {
		// The kernel's own times: a task that keeps the loop's thread on the CPU blocks the loop.
		this.loops.set(List.of(newLoop("loop-a")));
		this.diagnostics.start();
		awaitSmallLags(1);
		this.loops.get().get(0).execute(() -> spinTheLoop(Duration.ofMillis(1200)));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.diagnostics.snapshot().blockedEvents()).isEqualTo(1));
		assertThat(this.logged).singleElement().satisfies((finding) -> assertThat(finding.stack())
			.anySatisfy((frame) -> assertThat(frame).contains(EventLoopDiagnosticsTests.class.getName() + ".spinTheLoop(")));
		assertThat(this.diagnostics.preemptedEvents()).isZero();
	}

	@Test
	void followsTheLoopsWhenTheyAreResized() throws Exception {
		this.loops.set(List.of(newLoop("loop-a")));
		this.diagnostics.start();
		awaitSmallLags(1);
		List<Executor> grown = new ArrayList<>(this.loops.get());
		grown.add(newLoop("loop-b"));
		grown.add(newLoop("loop-c"));
		this.loops.set(List.copyOf(grown));
		awaitSmallLags(3);
		// A loop added by the resize is watched like the first.
		grown.get(2).execute(() -> blockTheLoop(Duration.ofMillis(800)));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.diagnostics.snapshot().blockedEvents()).isEqualTo(1));
		assertThat(this.logged).singleElement()
			.satisfies((finding) -> assertThat(finding.summary()).startsWith("event loop 2 (loop-c) blocked"));
		this.loops.set(List.of(grown.get(0), grown.get(1)));
		awaitSmallLags(2);
		this.loops.set(List.of());
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.diagnostics.snapshot().loops()).isZero());
	}

	@Test
	void closeStopsTheWatchdog() {
		this.loops.set(List.of(newLoop("loop-a")));
		this.diagnostics.start();
		awaitSmallLags(1);
		assertThat(watchdogAlive()).isTrue();
		this.diagnostics.close();
		assertThat(watchdogAlive()).isFalse();
	}

	private Executor newLoop(String name) {
		ExecutorService executor = Executors.newSingleThreadExecutor((task) -> new Thread(task, name));
		this.executors.add(executor);
		return executor;
	}

	private void awaitSmallLags(int loops) {
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			EventLoopReport report = this.diagnostics.snapshot();
			assertThat(report.loops()).isEqualTo(loops);
			assertThat(report.lastLagPerLoop()).hasSize(loops)
				.allSatisfy((lag) -> assertThat(lag).isLessThan(Duration.ofMillis(100)));
		});
	}

	private static void blockTheLoop(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void spinTheLoop(Duration duration) {
		long end = System.nanoTime() + duration.toNanos();
		while (System.nanoTime() < end) {
			Thread.onSpinWait();
		}
	}

	private static boolean watchdogAlive() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.anyMatch((thread) -> thread.isAlive() && thread.getName().equals(EventLoopDiagnostics.WATCHDOG_THREAD_NAME));
	}

}
