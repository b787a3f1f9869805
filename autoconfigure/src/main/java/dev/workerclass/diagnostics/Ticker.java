package dev.workerclass.diagnostics;

import java.util.concurrent.TimeUnit;

/**
 * A daemon platform thread that calls a tick with {@link System#nanoTime()} until stopped, and
 * sleeps for as long as the tick asks: the probe of {@link VirtualThreadDiagnostics} (which looks
 * less often while carriers are free) and the watchdog of {@link EventLoopDiagnostics}. A platform
 * thread, so that it keeps running when every carrier or loop it watches is blocked; a tick that
 * throws never stops it.
 */
final class Ticker {

	/** One look; returns the nanoseconds to sleep before the next. */
	@FunctionalInterface
	interface Tick {

		long look(long now);

	}

	private final Thread thread;

	private volatile boolean stopped;

	/** Ticks every {@code intervalNanos}, or after whatever a tick returns. */
	Ticker(String name, long intervalNanos, Tick tick) {
		this.thread = new Thread(() -> {
			while (!this.stopped) {
				long sleep = intervalNanos;
				try {
					sleep = tick.look(System.nanoTime());
				}
				catch (RuntimeException ex) {
					// Keep going: diagnostics must never take a part of the server down.
				}
				try {
					TimeUnit.NANOSECONDS.sleep(Math.max(sleep, 1));
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, name);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	long threadId() {
		return this.thread.threadId();
	}

	/** Stops ticking and waits (briefly) for the thread to end. */
	void stop() {
		this.stopped = true;
		this.thread.interrupt();
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
