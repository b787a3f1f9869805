package dev.workerclass.workers;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Interrupts a handler's thread at its request's deadline, unless the handler is done first.
 * Exactly one of the two wins, so an alarm never interrupts a thread that has moved on to other
 * work: the loser of the race clears the interrupt it may have been sent.
 */
final class Alarm {

	// One timer thread for every request of the process: an alarm is a scheduled task, not a thread.
	private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
			Thread.ofPlatform().name("workerclass-timeout").daemon(true).factory());

	private static final Alarm NONE = new Alarm(null, null);

	private static final int ARMED = 0;

	private static final int DISARMED = 1;

	private static final int RANG = 2;

	private final AtomicInteger state = new AtomicInteger(ARMED);

	private final Thread thread;

	private final Runnable beforeInterrupt;

	private volatile ScheduledFuture<?> scheduled;

	private Alarm(Thread thread, Runnable beforeInterrupt) {
		this.thread = thread;
		this.beforeInterrupt = beforeInterrupt;
	}

	/** An alarm that interrupts {@code thread} at {@code deadline} ({@link System#nanoTime()}), or none. */
	static Alarm interruptAt(Thread thread, long deadline) {
		return interruptAt(thread, deadline, () -> {
		});
	}

	/**
	 * As above, running {@code beforeInterrupt} first: an interrupt makes the handler's next channel
	 * operation close the connection, so whatever must stop the handler's writes runs before it.
	 */
	static Alarm interruptAt(Thread thread, long deadline, Runnable beforeInterrupt) {
		if (deadline == Workers.NO_DEADLINE) {
			return NONE;
		}
		Alarm alarm = new Alarm(thread, beforeInterrupt);
		alarm.scheduled = TIMER.schedule(alarm::ring, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		return alarm;
	}

	private void ring() {
		if (this.state.compareAndSet(ARMED, RANG)) {
			this.beforeInterrupt.run();
			this.thread.interrupt();
		}
	}

	/**
	 * Called by the handler's thread when the handler is done.
	 * @return {@code true} if it was done in time; {@code false} if the alarm rang first (the
	 * interrupt it sent is cleared)
	 */
	boolean disarm() {
		if (this == NONE) {
			return true;
		}
		ScheduledFuture<?> pending = this.scheduled;
		if (pending != null) {
			pending.cancel(false);
		}
		if (this.state.compareAndSet(ARMED, DISARMED) || this.state.get() == DISARMED) {
			return true;
		}
		Thread.interrupted();
		return false;
	}

	/** Whether the deadline passed before the handler was done. */
	boolean rang() {
		return this.state.get() == RANG;
	}

}
