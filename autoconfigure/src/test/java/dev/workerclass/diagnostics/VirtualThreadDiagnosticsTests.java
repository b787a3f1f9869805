package dev.workerclass.diagnostics;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link VirtualThreadDiagnostics}: carriers starved by CPU-bound virtual threads and
 * by a call that blocks in C, and a virtual thread pinned by a class initializer.
 */
class VirtualThreadDiagnosticsTests {

	/** The carriers of the default virtual-thread scheduler. */
	private static final int CARRIERS = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
			Runtime.getRuntime().availableProcessors());

	private final List<Finding> logged = Collections.synchronizedList(new ArrayList<>());

	private final FindingLog log = new FindingLog(this.logged::add);

	private final VirtualThreadDiagnostics diagnostics = new VirtualThreadDiagnostics(
			VirtualThreadDiagnostics.DEFAULT_LAG_THRESHOLD, VirtualThreadDiagnostics.DEFAULT_PROBE_INTERVAL, this.log);

	@AfterEach
	void close() {
		this.diagnostics.close();
	}

	@Test
	void reportsNothingOnAnIdleSystem() throws Exception {
		this.diagnostics.start();
		assertThat(this.diagnostics.jfrProblem()).isEmpty();
		Thread.sleep(1200);
		VirtualThreadReport report = this.diagnostics.snapshot();
		assertThat(report.probes()).isPositive();
		assertThat(report.starvationEvents()).isZero();
		assertThat(report.pinnedEvents()).isZero();
		assertThat(report.nativeCallFindings()).isZero();
		assertThat(report.maxLag()).isLessThan(VirtualThreadDiagnostics.DEFAULT_LAG_THRESHOLD);
		assertThat(report.top()).isEmpty();
		assertThat(this.logged).isEmpty();
	}

	@Test
	void detectsCarriersStarvedByCpuBoundVirtualThreads() throws Exception {
		this.diagnostics.start();
		awaitFirstProbe();
		// Virtual threads are not time-sliced: one spinner per carrier holds every carrier. The
		// spinners call System.nanoTime, a native method while interpreted, so JFR may sample
		// them in native code: that must not be taken for a native call that blocks.
		List<Thread> spinners = new ArrayList<>();
		for (int i = 0; i < CARRIERS; i++) {
			spinners.add(Thread.ofVirtual().start(() -> spin(Duration.ofMillis(600))));
		}
		for (Thread spinner : spinners) {
			spinner.join();
		}
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			VirtualThreadReport report = this.diagnostics.snapshot();
			assertThat(report.starvationEvents()).isGreaterThanOrEqualTo(1);
			assertThat(report.maxLag()).isGreaterThanOrEqualTo(VirtualThreadDiagnostics.DEFAULT_LAG_THRESHOLD);
			assertThat(report.top()).anySatisfy((finding) -> {
				assertThat(finding.kind()).isEqualTo(Finding.Kind.CARRIER_STARVATION);
				assertThat(finding.stack()).isEmpty();
				assertThat(finding.summary()).contains("waited");
			});
		});
		assertThat(this.diagnostics.snapshot().nativeCallFindings()).isZero();
		assertThat(this.logged).extracting(Finding::kind).contains(Finding.Kind.CARRIER_STARVATION);
		// The lag goes back to small values once the carriers are free.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.diagnostics.snapshot().lastLag()).isLessThan(Duration.ofMillis(50)));
	}

	@Test
	void namesTheNativeFrameWhenACallBlocksInC() throws Throwable {
		// gevent's C-extension trap: libc sleep through the FFM API blocks the carrier without parking,
		// so there is no pinned event; only the lag and the native samples show it.
		Optional<MethodHandle> sleep = libcSleep();
		assumeTrue(sleep.isPresent(), "the FFM API is final from JDK 22 on");
		this.diagnostics.start();
		awaitFirstProbe();
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < CARRIERS; i++) {
			callers.add(Thread.ofVirtual().start(() -> callSleepInC(sleep.get(), 1)));
		}
		for (Thread caller : callers) {
			caller.join();
		}
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			VirtualThreadReport report = this.diagnostics.snapshot();
			assertThat(report.starvationEvents()).isGreaterThanOrEqualTo(1);
			assertThat(report.nativeCallFindings()).isGreaterThanOrEqualTo(1);
			assertThat(report.maxLag()).isGreaterThan(Duration.ofMillis(500));
			assertThat(report.top()).anySatisfy((finding) -> {
				assertThat(finding.kind()).isEqualTo(Finding.Kind.NATIVE_CALL);
				assertThat(finding.summary()).contains("an FFM downcall")
					.contains("VirtualThreadDiagnosticsTests.callSleepInC");
				assertThat(finding.stack()).anySatisfy(
						(frame) -> assertThat(frame).contains("VirtualThreadDiagnosticsTests.callSleepInC("));
			});
		});
		assertThat(this.diagnostics.snapshot().pinnedEvents()).isZero();
	}

	@Test
	void countsAVirtualThreadPinnedOnceByAClassInitializerWithoutAWarning() throws Exception {
		this.diagnostics.start();
		awaitFirstProbe();
		Thread.ofVirtual().start(SlowInit::touch).join();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			VirtualThreadReport report = this.diagnostics.snapshot();
			assertThat(report.pinnedEvents()).isEqualTo(1);
			assertThat(report.top()).anySatisfy((finding) -> {
				assertThat(finding.kind()).isEqualTo(Finding.Kind.PINNED);
				assertThat(finding.count()).isEqualTo(1);
				assertThat(finding.longest()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
				assertThat(finding.stack()).anySatisfy((frame) -> assertThat(frame).startsWith("java.lang.Thread.sleep"));
				assertThat(finding.stack()).anySatisfy((frame) -> assertThat(frame)
					.startsWith(SlowInit.class.getName() + ".<clinit>(VirtualThreadDiagnosticsTests.java:"));
				assertThat(finding.summary()).contains("pinned").contains("SlowInit.<clinit>");
			});
		});
		// Once is warm-up (a class initializing), not a problem to warn about.
		assertThat(this.logged).isEmpty();
	}

	@Test
	void warnsOfAPinThatRecurs() throws Exception {
		this.diagnostics.start();
		awaitFirstProbe();
		// Two class initializers that pin at the same top frames: the same pin, seen twice.
		Thread.ofVirtual().start(DeepInitA::touch).join();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.diagnostics.snapshot().pinnedEvents() == 1);
		assertThat(this.logged).isEmpty();
		Thread.ofVirtual().start(DeepInitB::touch).join();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.diagnostics.snapshot().pinnedEvents()).isEqualTo(2);
			assertThat(this.logged).singleElement().satisfies((finding) -> {
				assertThat(finding.kind()).isEqualTo(Finding.Kind.PINNED);
				assertThat(finding.count()).isEqualTo(2);
				assertThat(finding.stack()).anySatisfy(
						(frame) -> assertThat(frame).contains("VirtualThreadDiagnosticsTests.sleepDeep("));
			});
		});
	}

	@Test
	void wakesTheProbeOnlyWhenNoCarrierIsFree() throws Exception {
		assumeTrue(this.diagnostics.probesOnlyBusyCarriers(), "the scheduler's counts need JDK 24 or later");
		this.diagnostics.start();
		awaitFirstProbe();
		// Idle: every carrier is free, so the looks read the scheduler's counts and wake nothing.
		long before = this.diagnostics.snapshot().probes();
		Thread.sleep(2000);
		assertThat(this.diagnostics.snapshot().probes() - before).isLessThanOrEqualTo(1);
		// Every carrier taken: a look wakes the probe, which waits behind the spinners past the threshold.
		List<Thread> spinners = new ArrayList<>();
		for (int i = 0; i < CARRIERS; i++) {
			spinners.add(Thread.ofVirtual().start(() -> spin(Duration.ofMillis(1500))));
		}
		for (Thread spinner : spinners) {
			spinner.join();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.diagnostics.snapshot().starvationEvents() > 0);
	}

	@Test
	void aProbeLeftWaitingWhileACarrierIsFreeIsNotStarvation() throws Exception {
		// A probe whose task the scheduler leaves queued (seen under steady load on JDK 25) while
		// the counts show a free carrier: its wait is not a wait for a carrier.
		List<StuckProbe> made = Collections.synchronizedList(new ArrayList<>());
		VirtualThreadDiagnostics stuck = new VirtualThreadDiagnostics(VirtualThreadDiagnostics.DEFAULT_LAG_THRESHOLD,
				VirtualThreadDiagnostics.DEFAULT_PROBE_INTERVAL, this.log, null, new FixedLoad(true), () -> {
					StuckProbe probe = new StuckProbe();
					made.add(probe);
					return probe;
				});
		try {
			stuck.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> stuck.voidedProbes() >= 2);
			VirtualThreadReport report = stuck.snapshot();
			assertThat(report.starvationEvents()).isZero();
			assertThat(report.maxLag()).isLessThanOrEqualTo(VirtualThreadDiagnostics.DEFAULT_LAG_THRESHOLD);
			assertThat(stuck.nativeSampling()).isFalse();
			assertThat(this.logged).isEmpty();
			// Each given-up probe is stopped and a new one takes the next wake.
			assertThat(made).hasSizeGreaterThanOrEqualTo(3);
			assertThat(made.subList(0, made.size() - 1)).allSatisfy((probe) -> assertThat(probe.stopped).isTrue());
		}
		finally {
			stuck.close();
		}
	}

	@Test
	void aProbeLeftWaitingWhileRequestsKeepFinishingIsNotStarvation() throws Exception {
		// Every carrier taken, as under a saturating load, but requests keep being served: the
		// carriers run work, so the probe's wait is the scheduler's order, not starved carriers.
		AtomicLong served = new AtomicLong();
		VirtualThreadDiagnostics saturated = new VirtualThreadDiagnostics(
				VirtualThreadDiagnostics.DEFAULT_LAG_THRESHOLD, VirtualThreadDiagnostics.DEFAULT_PROBE_INTERVAL, this.log,
				served::incrementAndGet, new FixedLoad(false), StuckProbe::new);
		try {
			saturated.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> saturated.voidedProbes() >= 2);
			assertThat(saturated.snapshot().starvationEvents()).isZero();
			assertThat(saturated.nativeSampling()).isFalse();
		}
		finally {
			saturated.close();
		}
	}

	@Test
	void aStarvationEpisodeEndsWhenRequestsFinishAgainThoughTheProbeIsStillQueued() throws Exception {
		// Carriers stuck (nothing finishes) for a while, then serving again, while the scheduler
		// still leaves the probe queued: the episode is as long as the stall, not as the probe's wait.
		AtomicLong served = new AtomicLong();
		AtomicReference<Boolean> stalled = new AtomicReference<>(true);
		VirtualThreadDiagnostics stuck = new VirtualThreadDiagnostics(VirtualThreadDiagnostics.DEFAULT_LAG_THRESHOLD,
				VirtualThreadDiagnostics.DEFAULT_PROBE_INTERVAL, this.log,
				() -> stalled.get() ? served.get() : served.incrementAndGet(), new FixedLoad(false), StuckProbe::new);
		try {
			stuck.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> stuck.snapshot().starvationEvents() == 1);
			Thread.sleep(600);
			stalled.set(false);
			await().atMost(Duration.ofSeconds(5)).until(() -> stuck.voidedProbes() >= 1);
			Thread.sleep(1500);
			VirtualThreadReport report = stuck.snapshot();
			assertThat(report.starvationEvents()).isEqualTo(1);
			assertThat(report.lastLag()).isGreaterThan(Duration.ofMillis(500)).isLessThan(Duration.ofMillis(1500));
		}
		finally {
			stuck.close();
		}
	}

	@Test
	void aProbeLeftWaitingWhileEveryCarrierIsTakenIsStarvation() throws Exception {
		// The same stuck probe with no free carrier in sight: starved, counted at once.
		VirtualThreadDiagnostics starved = new VirtualThreadDiagnostics(
				VirtualThreadDiagnostics.DEFAULT_LAG_THRESHOLD, VirtualThreadDiagnostics.DEFAULT_PROBE_INTERVAL, this.log,
				() -> 0, new FixedLoad(false), StuckProbe::new);
		try {
			starved.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> starved.snapshot().starvationEvents() == 1);
			assertThat(starved.voidedProbes()).isZero();
			assertThat(starved.snapshot().lastLag()).isGreaterThan(VirtualThreadDiagnostics.DEFAULT_LAG_THRESHOLD);
		}
		finally {
			starved.close();
		}
	}

	@Test
	void samplesNativeMethodsOnlyWhileCarriersLag() throws Exception {
		Set<Long> before = recordingIds();
		this.diagnostics.start();
		awaitFirstProbe();
		// Its own recording: diagnostics of other tests' contexts may still be running in this JVM.
		List<Recording> own = FlightRecorder.getFlightRecorder()
			.getRecordings()
			.stream()
			.filter((recording) -> !before.contains(recording.getId()))
			.toList();
		assertThat(own).isNotEmpty();
		// Steady and healthy: no native-method sampling, the costly part of the diagnostics.
		Thread.sleep(500);
		assertThat(this.diagnostics.jfrProblem()).isEmpty();
		assertThat(samplesNativeMethods(own)).isFalse();
		assertThat(this.diagnostics.nativeSampling()).isFalse();
		// Every carrier busy: the probe is late, and sampling starts while the carriers are still held.
		List<Thread> spinners = new ArrayList<>();
		for (int i = 0; i < CARRIERS; i++) {
			spinners.add(Thread.ofVirtual().start(() -> spin(Duration.ofMillis(1500))));
		}
		try {
			await().atMost(Duration.ofSeconds(1)).until(() -> samplesNativeMethods(own));
			assertThat(this.diagnostics.nativeSampling()).isTrue();
		}
		finally {
			for (Thread spinner : spinners) {
				spinner.join();
			}
		}
		// And it stops once the lag has been gone a while and the episode is explained.
		await().atMost(VirtualThreadDiagnostics.SAMPLING_LINGER.plusSeconds(10))
			.until(() -> !samplesNativeMethods(own) && !this.diagnostics.nativeSampling());
		assertThat(this.diagnostics.snapshot().starvationEvents()).isPositive();
	}

	@Test
	void closeStopsItsThreads() {
		this.diagnostics.start();
		awaitFirstProbe();
		assertThat(threadNames()).contains(VirtualThreadDiagnostics.PROBE_THREAD_NAME)
			.anySatisfy((name) -> assertThat(name).startsWith("JFR Event Stream"));
		this.diagnostics.close();
		this.diagnostics.close();
		// JFR's own recorder and periodic-task threads stay for the JVM's life once JFR has been used;
		// the probe and the stream's thread must go.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(threadNames()).doesNotContain(VirtualThreadDiagnostics.PROBE_THREAD_NAME)
				.noneSatisfy((name) -> assertThat(name).startsWith("JFR Event Stream")));
		assertThat(this.diagnostics.snapshot().probes()).isPositive();
	}

	private static Set<Long> recordingIds() {
		Set<Long> ids = new TreeSet<>();
		FlightRecorder.getFlightRecorder().getRecordings().forEach((recording) -> ids.add(recording.getId()));
		return ids;
	}

	/** Whether one of these JFR recordings runs with {@code jdk.NativeMethodSample} enabled. */
	private static boolean samplesNativeMethods(List<Recording> recordings) {
		for (Recording recording : recordings) {
			if (recording.getState() == RecordingState.RUNNING
					&& "true".equals(recording.getSettings().get("jdk.NativeMethodSample#enabled"))) {
				return true;
			}
		}
		return false;
	}

	private void awaitFirstProbe() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.diagnostics.snapshot().probes() > 0);
	}

	private static void spin(Duration duration) {
		long end = System.nanoTime() + duration.toNanos();
		long sink = 0;
		while (System.nanoTime() < end) {
			sink += sink * 31 + 7;
		}
		if (sink == 42) {
			System.out.println(sink);
		}
	}

	private static void callSleepInC(MethodHandle sleep, int seconds) {
		try {
			int unslept = (int) sleep.invoke(seconds);
			assertThat(unslept).isZero();
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * libc {@code sleep(unsigned)} as a method handle, through the FFM API by reflection: the
	 * tests compile for Java 21, where that API is a preview.
	 */
	private static Optional<MethodHandle> libcSleep() throws Exception {
		if (Runtime.version().feature() < 22) {
			return Optional.empty();
		}
		Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
		Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
		Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
		Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
		Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
		Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
		Object linker = linkerType.getMethod("nativeLinker").invoke(null);
		Object libc = linkerType.getMethod("defaultLookup").invoke(linker);
		Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class).invoke(libc, "sleep");
		if (symbol.isEmpty()) {
			return Optional.empty();
		}
		Object javaInt = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
		Object arguments = Array.newInstance(layoutType, 1);
		Array.set(arguments, 0, javaInt);
		Object descriptor = descriptorType.getMethod("of", layoutType, arguments.getClass())
			.invoke(null, javaInt, arguments);
		Object options = Array.newInstance(optionType, 0);
		return Optional.of((MethodHandle) linkerType
			.getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
			.invoke(linker, symbol.get(), descriptor, options));
	}

	private static Set<String> threadNames() {
		Set<String> names = new TreeSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.isAlive()) {
				names.add(thread.getName());
			}
		}
		return names;
	}

	/** Parks {@code depth} frames down: deep enough that the finding's top frames are these alone. */
	static void sleepDeep(int depth) {
		if (depth > 0) {
			sleepDeep(depth - 1);
			return;
		}
		try {
			TimeUnit.MILLISECONDS.sleep(100);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static final class DeepInitA {

		static {
			sleepDeep(Finding.MAX_FRAMES);
		}

		static void touch() {
		}

	}

	static final class DeepInitB {

		static {
			sleepDeep(Finding.MAX_FRAMES);
		}

		static void touch() {
		}

	}

	/** A class whose initializer parks: a virtual thread initializing it stays pinned (still so on JDK 25). */
	static final class SlowInit {

		static {
			try {
				TimeUnit.MILLISECONDS.sleep(300);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		static void touch() {
		}

	}


	/** Scheduler counts that say every carrier is taken, with or without one free. */
	private record FixedLoad(boolean free) implements VirtualThreadDiagnostics.CarrierLoad {

		@Override
		public boolean known() {
			return true;
		}

		@Override
		public boolean mayLag() {
			return true;
		}

		@Override
		public boolean anyFree() {
			return this.free;
		}

	}

	/** A probe that is woken and never runs. */
	private static final class StuckProbe implements VirtualThreadDiagnostics.LagProbe {

		private volatile boolean stopped;

		@Override
		public void start() {
		}

		@Override
		public void wake() {
		}

		@Override
		public boolean hasRun() {
			return false;
		}

		@Override
		public long ranNanos() {
			return 0;
		}

		@Override
		public void stop() {
			this.stopped = true;
		}

	}

}
