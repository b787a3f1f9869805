package dev.workerclass.diagnostics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * How long a thread has run on a CPU and waited for one, as the kernel counts it: Linux's
 * {@code /proc/self/task/<tid>/schedstat} (nanoseconds run, nanoseconds waited on a run queue,
 * time slices). It tells a thread that is blocked, or busy, from one that is ready but preempted.
 * Elsewhere nothing is known and every answer is {@code null} or 0.
 */
@FunctionalInterface
public interface CpuWait {

	/** The times of the thread with this kernel id, or {@code null} if unknown. */
	@Nullable Times times(long osThreadId);

	/** Times read from the kernel, for threads of this process. */
	static CpuWait ofKernel() {
		return CpuWait::readSchedstat;
	}

	/**
	 * The calling thread's times ({@code /proc/thread-self/schedstat}), or {@code null} where the
	 * kernel does not say. A platform thread keeps the file open (a read of about 0.6 µs), a
	 * virtual thread reads its carrier's afresh (about 8 µs): for a sample, not for every request.
	 */
	static @Nullable Times ofCurrentThread() {
		return ThreadSchedstat.ofCurrentThread();
	}

	/**
	 * The kernel's id of the calling thread ({@code /proc/thread-self} links to
	 * {@code <pid>/task/<tid>}), or 0 where there is no such link.
	 */
	static long currentOsThreadId() {
		try {
			Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
			return Long.parseLong(link.getFileName().toString());
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	/**
	 * How many times the calling thread has given up its CPU by itself since it started: blocked
	 * on a lock, parked, slept or waited for I/O ({@code voluntary_ctxt_switches} in
	 * {@code /proc/thread-self/status}); -1 where the kernel does not say. A thread that is
	 * preempted, or whose core the hypervisor lends to another machine, does not count one: so
	 * wall time that passes off the CPU without one was not the thread's own waiting. One read of
	 * a small file: for a sample, not for every request.
	 */
	static long voluntarySwitchesOfCurrentThread() {
		try {
			// From the line's start: "nonvoluntary_ctxt_switches:" ends with the same words.
			String key = "\nvoluntary_ctxt_switches:";
			String status = Files.readString(Path.of("/proc/thread-self/status"));
			int at = status.indexOf(key);
			if (at < 0) {
				return -1;
			}
			int start = at + key.length();
			int end = status.indexOf('\n', start);
			return Long.parseLong(status.substring(start, (end < 0) ? status.length() : end).trim());
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	private static @Nullable Times readSchedstat(long osThreadId) {
		return ThreadSchedstat.read(Path.of("/proc/self/task/" + osThreadId + "/schedstat"));
	}

	/**
	 * Nanoseconds a thread has run on a CPU and waited on a run queue for one, since it started.
	 * @param runNanos time on a CPU
	 * @param waitNanos time ready to run but waiting on a run queue (preempted, or not yet scheduled)
	 */
	record Times(long runNanos, long waitNanos) {
	}

}
