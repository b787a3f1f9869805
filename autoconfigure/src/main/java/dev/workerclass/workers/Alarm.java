package dev.workerclass.workers;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Interrupts a handler's thread at its request's deadline, unless the handler is done first.
 * Exactly one of the two wins, so an alarm never interrupts a thread that has moved on to other
 * work: the loser of the race clears the interrupt it may have been sent.
 * <p>
 * Armed alarms sit in one set that a single timer thread sweeps every {@value #SWEEP_MILLIS} ms.
 * Arming and disarming are a set insert and removal. A scheduled task per request (a
 * {@code ScheduledExecutorService}, the first version) kept every cancelled task queued until its
 * 30 s delay ran out, and with it the alarm cost about a fifth of a fast route's throughput
 * (virtual, /todos: about 35k against 44k req/s with server.timeout=0). Deadlines are kept to
 * within a sweep. Each alarm that goes off rings on a virtual thread of its own.
 */
final class Alarm {

	static final long SWEEP_MILLIS = 10;

	private static final Set<Alarm> ARMED_ALARMS = ConcurrentHashMap.newKeySet();

	private static final AtomicInteger TIMER_STARTED = new AtomicInteger();

	private static final Alarm NONE = new Alarm(null, 0, null);

	private static final int ARMED = 0;

	private static final int DISARMED = 1;

	private static final int RINGING = 2;

	private static final int RANG = 3;

	private final AtomicInteger state = new AtomicInteger(ARMED);

	private final Thread thread;

	private final long deadline;

	private final Runnable beforeInterrupt;

	private Alarm(Thread thread, long deadline, Runnable beforeInterrupt) {
		this.thread = thread;
		this.deadline = deadline;
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
		startTimer();
		Alarm alarm = new Alarm(thread, deadline, beforeInterrupt);
		ARMED_ALARMS.add(alarm);
		return alarm;
	}

	private static void startTimer() {
		if (TIMER_STARTED.get() == 0 && TIMER_STARTED.compareAndSet(0, 1)) {
			Thread.ofPlatform().name("workerclass-timeout").daemon(true).start(Alarm::sweepForever);
		}
	}

	private static void sweepForever() {
		while (true) {
			long now = System.nanoTime();
			for (Alarm alarm : ARMED_ALARMS) {
				if (now - alarm.deadline >= 0) {
					ARMED_ALARMS.remove(alarm);
					// On a thread of its own: what runs before the interrupt (sealing a response) waits
					// for a write in progress, and a slow client must not hold up every other deadline.
					Thread.startVirtualThread(alarm::ring);
				}
			}
			try {
				TimeUnit.MILLISECONDS.sleep(SWEEP_MILLIS);
			}
			catch (InterruptedException ex) {
				// Only ever stopped with the JVM; keep sweeping.
			}
		}
	}

	private void ring() {
		if (this.state.compareAndSet(ARMED, RINGING)) {
			try {
				this.beforeInterrupt.run();
			}
			finally {
				this.thread.interrupt();
				this.state.set(RANG);
			}
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
		ARMED_ALARMS.remove(this);
		if (this.state.compareAndSet(ARMED, DISARMED) || this.state.get() == DISARMED) {
			return true;
		}
		// It rang: wait until its interrupt has been sent, then clear it, so that no late interrupt
		// reaches this thread's next piece of work (writing the 503, say).
		while (this.state.get() == RINGING) {
			Thread.onSpinWait();
		}
		Thread.interrupted();
		return false;
	}

	/** Whether the deadline passed before the handler was done. */
	boolean rang() {
		int current = this.state.get();
		return current == RINGING || current == RANG;
	}

}
