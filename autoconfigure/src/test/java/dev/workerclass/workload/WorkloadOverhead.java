package dev.workerclass.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

import dev.workerclass.workers.WorkerClass;
import dev.workerclass.workers.WorkersSnapshot;

/**
 * Measures what the workload measurement costs; not a test (run by hand, numbers go to
 * {@code bench/results/cost/notes.md}), no JMH: best of several rounds of a tight loop, on one
 * thread.
 * <ol>
 * <li>an unsampled request: one {@link Workload#draw()} (at {@code sample-every=20}, 19 of 20);</li>
 * <li>a sampled request on a platform thread and on a virtual one: {@link Workload#begin()} and
 * {@link Sample#end} (two CPU-time reads, the route's histogram, the in-flight set);</li>
 * <li>the sampler's look ({@link Workload#tick}) with a workers snapshot, and its thread's CPU
 * per second at the default 20 ms.</li>
 * </ol>
 * Run: {@code taskset -c 0 java -cp autoconfigure/target/classes:autoconfigure/target/test-classes
 * dev.workerclass.workload.WorkloadOverhead}
 */
public final class WorkloadOverhead {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private static volatile Object sink;

	private WorkloadOverhead() {
	}

	public static void main(String[] args) throws Exception {
		System.out.printf(Locale.ROOT, "JDK %s, %d CPUs%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
		Workload workload = new Workload(20, List.of());
		int n = 20_000_000;
		double draw = best(() -> {
			int drawn = 0;
			for (int i = 0; i < n; i++) {
				if (workload.draw()) {
					drawn++;
				}
			}
			sink = drawn;
		}, n);
		System.out.printf(Locale.ROOT, "draw (unsampled request): %.1f ns%n", draw);
		int m = 1_000_000;
		double platform = best(() -> {
			for (int i = 0; i < m; i++) {
				workload.begin().end("GET /todos");
			}
		}, m);
		System.out.printf(Locale.ROOT, "sampled request, platform thread (cpu-time): %.0f ns%n", platform);
		double[] virtual = new double[1];
		Thread.ofVirtual().start(() -> virtual[0] = best(() -> {
			for (int i = 0; i < m; i++) {
				workload.begin().end("GET /todos");
			}
		}, m)).join();
		System.out.printf(Locale.ROOT, "sampled request, virtual thread (thread-states): %.0f ns%n", virtual[0]);
		System.out.printf(Locale.ROOT, "per request at sample-every=20, platform: %.1f ns, virtual: %.1f ns%n",
				(19 * draw + platform + draw) / 20, (19 * draw + virtual[0] + draw) / 20);
		WorkersSnapshot snapshot = new WorkersSnapshot(WorkerClass.VIRTUAL, 1, 1, 1000, 1000, 3, 0, 0, 0, 0, 0, 1, 1000,
				java.time.Instant.now());
		int t = 200_000;
		double tick = best(() -> {
			for (int i = 0; i < t; i++) {
				workload.tick(snapshot.busy(), snapshot.idle());
			}
		}, t);
		System.out.printf(Locale.ROOT, "sampler look (tick): %.0f ns, %.3f ms of CPU per second at 20 ms%n", tick,
				tick * 50 / 1e6);
		for (long interval : new long[] { 20, 100 }) {
			samplerCost(workload, snapshot, interval, false);
			samplerCost(workload, snapshot, interval, true);
		}
	}

	/** The sampler thread's CPU per second, quiet (no sample begins) or with 100 samples a second beginning. */
	private static void samplerCost(Workload workload, WorkersSnapshot snapshot, long intervalMs, boolean traffic)
			throws InterruptedException {
		WorkloadSampler sampler = new WorkloadSampler(workload, java.time.Duration.ofMillis(intervalMs), () -> snapshot,
				java.time.Duration.ofSeconds(10), () -> {
				});
		java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(traffic);
		Thread requests = Thread.ofPlatform().start(() -> {
			while (running.get()) {
				workload.begin().end("GET /todos");
				java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
			}
		});
		sampler.start();
		Thread.sleep(3000);
		long tid = samplerThreadId();
		long cpu0 = THREADS.getThreadCpuTime(tid);
		long wall0 = System.nanoTime();
		Thread.sleep(10_000);
		long cpu1 = THREADS.getThreadCpuTime(tid);
		long wall1 = System.nanoTime();
		sampler.close();
		running.set(false);
		requests.join();
		Thread.sleep(200);
		System.out.printf(Locale.ROOT, "sampler thread at %d ms, %s: %.3f ms of CPU per second%n", intervalMs,
				traffic ? "samples beginning" : "quiet", (cpu1 - cpu0) / 1e6 / ((wall1 - wall0) / 1e9));
	}

	private static long samplerThreadId() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("workerclass-workload"))
			.findFirst()
			.orElseThrow()
			.threadId();
	}

	/** The best of 7 rounds, in nanoseconds per operation. */
	private static double best(Runnable round, int operations) {
		double best = Double.MAX_VALUE;
		for (int i = 0; i < 7; i++) {
			long start = System.nanoTime();
			round.run();
			best = Math.min(best, (System.nanoTime() - start) / (double) operations);
		}
		return best;
	}

}
