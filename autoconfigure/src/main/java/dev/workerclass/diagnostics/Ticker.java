package dev.workerclass.diagnostics;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A daemon platform thread that calls {@code tick(System.nanoTime())} at a fixed interval until
 * stopped: the probe of {@link VirtualThreadDiagnostics} and the watchdog of
 * {@link EventLoopDiagnostics}. A platform thread, so that it keeps running when every carrier or
 * loop it watches is blocked; a tick that throws never stops it.
 */
final class Ticker {

	private final Thread thread;

	private volatile boolean stopped;

	Ticker(String name, long intervalNanos, LongConsumer tick) {
		this.thread = new Thread(() -> {
			while (!this.stopped) {
				try {
					tick.accept(System.nanoTime());
				}
				catch (RuntimeException ex) {
					// Keep going: diagnostics must never take a part of the server down.
				}
				try {
					TimeUnit.NANOSECONDS.sleep(intervalNanos);
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
