package dev.workerclass.diagnostics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The calling platform thread's {@code schedstat}, read through a file the thread keeps open: a
 * positioned read of an open {@code /proc} file costs about 0.6 µs, opening and reading it afresh
 * about 8 µs, which is too much for every sampled request. At most {@link #MAX_OPEN} threads keep
 * one open (one descriptor each, closed by the JDK's cleaner once the thread is gone); the others
 * read the file afresh.
 */
final class ThreadSchedstat {

	/** Threads that may keep their file open, so that a pool of thousands does not hold as many descriptors. */
	static final int MAX_OPEN = 256;

	private static final AtomicInteger opened = new AtomicInteger();

	// A platform thread's own file (its kernel id is fixed for its life); null once it could not be opened.
	private static final ThreadLocal<@Nullable Open> OWN = ThreadLocal.withInitial(ThreadSchedstat::open);

	private ThreadSchedstat() {
	}

	/** The calling thread's times, or {@code null} where the kernel does not give them. */
	static CpuWait.@Nullable Times ofCurrentThread() {
		Thread current = Thread.currentThread();
		// A virtual thread's /proc/thread-self is whichever carrier runs it now: never cached.
		Open own = current.isVirtual() ? null : OWN.get();
		return (own != null) ? own.read() : read(Path.of("/proc/thread-self/schedstat"));
	}

	/** One file read afresh. */
	static CpuWait.@Nullable Times read(Path schedstat) {
		try {
			return parse(Files.readString(schedstat));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** A {@code schedstat} line: nanoseconds run, nanoseconds waited on a run queue, time slices. */
	private static CpuWait.Times parse(String schedstat) {
		String[] fields = schedstat.trim().split(" ");
		return new CpuWait.Times(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
	}

	private static @Nullable Open open() {
		if (opened.incrementAndGet() > MAX_OPEN) {
			return null;
		}
		long tid = CpuWait.currentOsThreadId();
		if (tid <= 0) {
			return null;
		}
		try {
			return new Open(FileChannel.open(Path.of("/proc/self/task/" + tid + "/schedstat")));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static final class Open {

		private final FileChannel channel;

		private final ByteBuffer buffer = ByteBuffer.allocate(128);

		Open(FileChannel channel) {
			this.channel = channel;
		}

		CpuWait.@Nullable Times read() {
			try {
				this.buffer.clear();
				// From position 0: the kernel writes the file's text afresh for each read from its start.
				int read = this.channel.read(this.buffer, 0);
				if (read <= 0) {
					return null;
				}
				return parse(new String(this.buffer.array(), 0, read, StandardCharsets.US_ASCII));
			}
			catch (IOException | RuntimeException ex) {
				return null;
			}
		}

	}

}
