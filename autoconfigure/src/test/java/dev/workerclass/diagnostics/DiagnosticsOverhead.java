package dev.workerclass.diagnostics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures what the diagnostics cost; not a test (run by hand, numbers go to the docs):
 * <ol>
 * <li>throughput of a CPU-bound virtual-thread workload with and without
 * {@link VirtualThreadDiagnostics}, in alternating rounds;</li>
 * <li>CPU time of the probe thread and of JFR's threads per second of wall time, and of the
 * whole process while idle, with and without diagnostics;</li>
 * <li>CPU time of the {@link EventLoopDiagnostics} watchdog per second, with four idle loops.</li>
 * </ol>
 * Run: {@code java -cp autoconfigure/target/classes:autoconfigure/target/test-classes
 * dev.workerclass.diagnostics.DiagnosticsOverhead [rounds] [seconds-per-round]}
 */
public final class DiagnosticsOverhead {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private DiagnosticsOverhead() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 6;
		Duration round = Duration.ofSeconds((args.length > 1) ? Long.parseLong(args[1]) : 3);
		System.out.printf(Locale.ROOT, "JDK %s, %d CPUs, %d rounds of %d s%n", Runtime.version(),
				Runtime.getRuntime().availableProcessors(), rounds, round.toSeconds());
		throughput(rounds, round);
		idleCost(Duration.ofSeconds(10));
		eventLoopCost(Duration.ofSeconds(10));
	}

	private static void throughput(int rounds, Duration round) throws Exception {
		System.out.println("warm-up");
		workload(round);
		workload(round);
		workload(round);
		List<Double> off = new ArrayList<>();
		List<Double> on = new ArrayList<>();
		List<Double> offCpu = new ArrayList<>();
		List<Double> onCpu = new ArrayList<>();
		long probeCpu = 0;
		long jfrCpu = 0;
		long onNanos = 0;
		for (int i = 0; i < rounds; i++) {
			double[] plainRound = workload(round);
			double plain = plainRound[0];
			off.add(plain);
			offCpu.add(plainRound[1]);
			FindingLog log = new FindingLog((finding) -> System.out.println("  finding: " + finding.summary()));
			try (VirtualThreadDiagnostics diagnostics = new VirtualThreadDiagnostics(log)) {
				diagnostics.start();
				Thread.sleep(500);
				long probeBefore = THREADS.getThreadCpuTime(diagnostics.probeThreadId());
				long jfrBefore = jfrCpu();
				long start = System.nanoTime();
				double[] watchedRound = workload(round);
				double watched = watchedRound[0];
				onCpu.add(watchedRound[1]);
				onNanos += System.nanoTime() - start;
				probeCpu += THREADS.getThreadCpuTime(diagnostics.probeThreadId()) - probeBefore;
				jfrCpu += jfrCpu() - jfrBefore;
				on.add(watched);
				VirtualThreadReport report = diagnostics.snapshot();
				System.out.printf(Locale.ROOT,
						"round %d: off %,.0f tasks/s %.2f µs CPU/task, on %,.0f tasks/s %.2f µs CPU/task (%+.1f%%); "
								+ "probes %d, max lag %d ms, starvation %d%n",
						i + 1, plain, offCpu.get(i), watched, onCpu.get(i), 100 * (watched - plain) / plain, report.probes(),
						report.maxLag().toMillis(), report.starvationEvents());
			}
		}
		double offMedian = median(off);
		double onMedian = median(on);
		System.out.printf(Locale.ROOT, "CPU-bound workload, median: off %,.0f tasks/s, on %,.0f tasks/s (%+.2f%%)%n",
				offMedian, onMedian, 100 * (onMedian - offMedian) / offMedian);
		System.out.printf(Locale.ROOT, "  CPU per task, median: off %.3f µs, on %.3f µs (%+.2f%%)%n", median(offCpu),
				median(onCpu), 100 * (median(onCpu) - median(offCpu)) / median(offCpu));
		System.out.printf(Locale.ROOT, "  under load: probe thread %.3f ms CPU/s, JFR threads %.3f ms CPU/s%n",
				perSecondMillis(probeCpu, onNanos), perSecondMillis(jfrCpu, onNanos));
	}

	/**
	 * Virtual threads each hashing for ~50 µs, at most 1,000 in flight: tasks per second, and
	 * process CPU microseconds per task (less sensitive than throughput to other processes on a
	 * shared machine).
	 */
	private static double[] workload(Duration duration) throws InterruptedException {
		long cpuBefore = processCpu();
		LongAdder done = new LongAdder();
		Semaphore inFlight = new Semaphore(1000);
		AtomicLong sink = new AtomicLong();
		long end = System.nanoTime() + duration.toNanos();
		long start = System.nanoTime();
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			while (System.nanoTime() < end) {
				inFlight.acquire();
				executor.execute(() -> {
					try {
						long h = 0;
						for (int i = 0; i < 20_000; i++) {
							h = h * 31 + i;
						}
						sink.addAndGet(h & 1);
						done.increment();
					}
					finally {
						inFlight.release();
					}
				});
			}
		}
		long tasks = done.sum();
		return new double[] { tasks / ((System.nanoTime() - start) / 1e9), (processCpu() - cpuBefore) / 1e3 / tasks };
	}

	private static void idleCost(Duration duration) throws Exception {
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		long before = os.getProcessCpuTime();
		long start = System.nanoTime();
		Thread.sleep(duration.toMillis());
		double idleOff = perSecondMillis(os.getProcessCpuTime() - before, System.nanoTime() - start);
		try (VirtualThreadDiagnostics diagnostics = new VirtualThreadDiagnostics(new FindingLog((finding) -> {
		}))) {
			diagnostics.start();
			Thread.sleep(1000);
			long probeBefore = THREADS.getThreadCpuTime(diagnostics.probeThreadId());
			long jfrBefore = jfrCpu();
			before = os.getProcessCpuTime();
			start = System.nanoTime();
			Thread.sleep(duration.toMillis());
			long wall = System.nanoTime() - start;
			double idleOn = perSecondMillis(os.getProcessCpuTime() - before, wall);
			System.out.printf(Locale.ROOT,
					"idle %d s: process %.2f ms CPU/s without, %.2f ms CPU/s with VirtualThreadDiagnostics "
							+ "(probe thread %.3f ms CPU/s, JFR threads %.3f ms CPU/s, probe virtual threads run on carriers)%n",
					duration.toSeconds(), idleOff, idleOn,
					perSecondMillis(THREADS.getThreadCpuTime(diagnostics.probeThreadId()) - probeBefore, wall),
					perSecondMillis(jfrCpu() - jfrBefore, wall));
		}
	}

	private static void eventLoopCost(Duration duration) throws Exception {
		List<ExecutorService> executors = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			executors.add(Executors.newSingleThreadExecutor());
		}
		List<Executor> loops = List.copyOf(executors);
		try (EventLoopDiagnostics diagnostics = new EventLoopDiagnostics(() -> loops, new FindingLog((finding) -> {
		}))) {
			diagnostics.start();
			Thread.sleep(500);
			long before = THREADS.getThreadCpuTime(diagnostics.watchdogThreadId());
			long start = System.nanoTime();
			Thread.sleep(duration.toMillis());
			System.out.printf(Locale.ROOT, "event loops: watchdog %.3f ms CPU/s for 4 loops probed every %d ms; lags %s%n",
					perSecondMillis(THREADS.getThreadCpuTime(diagnostics.watchdogThreadId()) - before,
							System.nanoTime() - start),
					EventLoopDiagnostics.DEFAULT_PROBE_INTERVAL.toMillis(), diagnostics.snapshot().lastLagPerLoop());
		}
		finally {
			executors.forEach(ExecutorService::shutdownNow);
		}
	}

	private static long processCpu() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static long jfrCpu() {
		long total = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("JFR")) {
				long cpu = THREADS.getThreadCpuTime(thread.threadId());
				total += Math.max(0, cpu);
			}
		}
		return total;
	}

	private static double perSecondMillis(long cpuNanos, long wallNanos) {
		return (cpuNanos / 1e6) / (wallNanos / 1e9);
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

}
