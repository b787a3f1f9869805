package dev.workerclass.bench.jmh;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.workerclass.workers.Alarm;

/**
 * What keeping a deadline per request costs the timer's own thread, which a single-threaded JMH
 * benchmark does not see: requests arrive at a fixed rate, one in flight at a time, each arms a
 * 30 s deadline and disarms it once "served" a few milliseconds later. Prints, per mechanism, the
 * timer thread's wake-ups (timeslices, the third field of {@code /proc/self/task/TID/schedstat})
 * and CPU time per request. Linux only; pin the JVM to one core ({@code taskset -c 0}) to read
 * it as on a busy server.
 * <p>
 * {@code java -cp "bench/jmh/target/classes:bench/jmh/target/lib/*" dev.workerclass.bench.jmh.DeadlineWakeups [rate] [seconds]}
 */
public final class DeadlineWakeups {

	private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

	private DeadlineWakeups() {
	}

	public static void main(String[] args) throws Exception {
		int rate = (args.length > 0) ? Integer.parseInt(args[0]) : 150;
		int seconds = (args.length > 1) ? Integer.parseInt(args[1]) : 10;
		measureAlarm(rate, seconds);
		measureScheduler(rate, seconds);
		idleAlarm(seconds);
	}

	private static void measureAlarm(int rate, int seconds) throws Exception {
		// Warm up and start the timer thread.
		Alarm.runAt(System.nanoTime() + TIMEOUT_NANOS, () -> {
		}).disarm();
		long tid = tid("workerclass-timeout");
		long[] before = schedstat(tid);
		int requests = run(rate, seconds, () -> {
			Alarm alarm = Alarm.runAt(System.nanoTime() + TIMEOUT_NANOS, () -> {
			});
			return alarm::disarm;
		});
		report("Alarm", before, schedstat(tid), requests, seconds);
	}

	private static void measureScheduler(int rate, int seconds) throws Exception {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
				(task) -> new Thread(task, "deadline-scheduler"));
		scheduler.setRemoveOnCancelPolicy(true);
		scheduler.schedule(() -> {
		}, 0, TimeUnit.NANOSECONDS).get();
		long tid = tid("deadline-scheduler");
		long[] before = schedstat(tid);
		int requests = run(rate, seconds, () -> {
			ScheduledFuture<?> deadline = scheduler.schedule(() -> {
			}, TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
			return () -> deadline.cancel(false);
		});
		report("ScheduledThreadPoolExecutor(removeOnCancel)", before, schedstat(tid), requests, seconds);
		scheduler.shutdownNow();
	}

	private static void idleAlarm(int seconds) throws Exception {
		long tid = tid("workerclass-timeout");
		long[] before = schedstat(tid);
		Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
		long[] after = schedstat(tid);
		System.out.printf("Alarm idle: %.2f wake-ups/s%n", (after[2] - before[2]) / (double) seconds);
	}

	/** Serves requests at {@code rate} per second, each holding its deadline for 2 ms. */
	private static int run(int rate, int seconds, DeadlineFactory factory) {
		long interval = TimeUnit.SECONDS.toNanos(1) / rate;
		long start = System.nanoTime();
		int requests = rate * seconds;
		for (int i = 0; i < requests; i++) {
			LockSupport.parkNanos(start + i * interval - System.nanoTime());
			Runnable disarm = factory.arm();
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
			disarm.run();
		}
		return requests;
	}

	private static void report(String name, long[] before, long[] after, int requests, int seconds) {
		double wakeups = after[2] - before[2];
		double cpuMicros = (after[0] - before[0]) / 1000.0;
		System.out.printf("%s: timer thread %.0f wake-ups (%.2f per request, %.1f/s), %.2f µs CPU per request%n",
				name, wakeups, wakeups / requests, wakeups / seconds, cpuMicros / requests);
	}

	private static long tid(String threadName) throws IOException {
		try (var tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				String comm = Files.readString(task.resolve("comm")).trim();
				// comm holds at most 15 characters of the name.
				if (threadName.startsWith(comm) && comm.length() >= Math.min(15, threadName.length())) {
					return Long.parseLong(task.getFileName().toString());
				}
			}
		}
		throw new IllegalStateException("No thread named " + threadName + " in " + ManagementFactory.getRuntimeMXBean().getName());
	}

	/** {@code schedstat}: CPU nanoseconds, run-queue wait nanoseconds, timeslices. */
	private static long[] schedstat(long tid) throws IOException {
		String[] fields = Files.readString(Path.of("/proc/self/task/" + tid + "/schedstat")).trim().split(" ");
		return new long[] { Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]) };
	}

	@FunctionalInterface
	private interface DeadlineFactory {

		Runnable arm();

	}

}
