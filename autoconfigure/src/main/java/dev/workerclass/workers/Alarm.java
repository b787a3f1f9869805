package dev.workerclass.workers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Interrupts a handler's thread at its request's deadline, unless the handler is done first.
 * Exactly one of the two wins, so an alarm never interrupts a thread that has moved on to other
 * work: the loser of the race clears the interrupt it may have been sent.
 * <p>
 * Armed alarms sit in one doubly linked list (the alarms are its nodes), so arming and disarming
 * are a link and an unlink under a short lock, with no allocation beyond the alarm itself. A single
 * timer thread sleeps until the earliest deadline it knows of and is woken early only by an alarm
 * armed with an earlier one. Every request has the same timeout, so in steady traffic new
 * deadlines are later than the planned one and the timer sleeps through: it wakes about once per
 * {@link #IDLE_HORIZON_NANOS idle horizon}, not per request.
 * <p>
 * Two earlier versions cost a fast route dearly: a scheduled task per request (a
 * {@code ScheduledExecutorService}) kept every cancelled task queued until its 30 s delay ran out
 * (virtual, /todos: about 35k against 44k req/s with server.timeout=0); then a concurrent set swept
 * every 10 ms by the timer thread cost about 2.5 µs of server CPU per request at 2,000 req/s, the
 * sweeps being 100 wake-ups a second over a hash table that never shrinks. Each alarm that goes
 * off rings on a virtual thread of its own.
 */
final class Alarm {

	/** How long the timer sleeps when no alarm is armed: a later alarm with an earlier deadline wakes it. */
	static final long IDLE_HORIZON_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final ReentrantLock LOCK = new ReentrantLock();

	// The armed alarms, guarded by LOCK.

	private static Alarm first;

	private static Alarm last;

	/** When the timer looks next ({@link System#nanoTime()}), guarded by LOCK; valid once it runs. */
	private static long nextLook;

	private static volatile Thread timer;

	private static final Alarm NONE = new Alarm(null, 0, null);

	private static final Runnable NOTHING = () -> {
	};

	private static final int ARMED = 0;

	private static final int DISARMED = 1;

	private static final int RINGING = 2;

	private static final int RANG = 3;

	private static final VarHandle STATE;

	static {
		try {
			STATE = MethodHandles.lookup().findVarHandle(Alarm.class, "state", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private volatile int state = ARMED;

	private final Thread thread;

	private final long deadline;

	private final Runnable beforeInterrupt;

	// Links in the armed list, guarded by LOCK.

	private Alarm previous;

	private Alarm next;

	private boolean linked;

	private Alarm(Thread thread, long deadline, Runnable beforeInterrupt) {
		this.thread = thread;
		this.deadline = deadline;
		this.beforeInterrupt = beforeInterrupt;
	}

	/** An alarm that interrupts {@code thread} at {@code deadline} ({@link System#nanoTime()}), or none. */
	static Alarm interruptAt(Thread thread, long deadline) {
		return interruptAt(thread, deadline, NOTHING);
	}

	/**
	 * As above, running {@code beforeInterrupt} first: an interrupt makes the handler's next channel
	 * operation close the connection, so whatever must stop the handler's writes runs before it.
	 */
	static Alarm interruptAt(Thread thread, long deadline, Runnable beforeInterrupt) {
		if (deadline == Workers.NO_DEADLINE) {
			return NONE;
		}
		Thread sweeper = timer();
		Alarm alarm = new Alarm(thread, deadline, beforeInterrupt);
		boolean earlier;
		LOCK.lock();
		try {
			alarm.link();
			earlier = deadline - nextLook < 0;
			if (earlier) {
				nextLook = deadline;
			}
		}
		finally {
			LOCK.unlock();
		}
		if (earlier) {
			LockSupport.unpark(sweeper);
		}
		return alarm;
	}

	private static Thread timer() {
		Thread running = timer;
		if (running != null) {
			return running;
		}
		synchronized (Alarm.class) {
			if (timer == null) {
				LOCK.lock();
				try {
					// Until the timer has looked, any deadline is earlier than its plan.
					nextLook = System.nanoTime() + IDLE_HORIZON_NANOS;
				}
				finally {
					LOCK.unlock();
				}
				timer = Thread.ofPlatform().name("workerclass-timeout").daemon(true).start(Alarm::sweepForever);
			}
			return timer;
		}
	}

	private static void sweepForever() {
		while (true) {
			List<Alarm> due = List.of();
			long sleep;
			LOCK.lock();
			try {
				long now = System.nanoTime();
				long earliest = now + IDLE_HORIZON_NANOS;
				for (Alarm alarm = first; alarm != null;) {
					Alarm following = alarm.next;
					if (now - alarm.deadline >= 0) {
						alarm.unlink();
						if (due.isEmpty()) {
							due = new ArrayList<>();
						}
						due.add(alarm);
					}
					else if (alarm.deadline - earliest < 0) {
						earliest = alarm.deadline;
					}
					alarm = following;
				}
				nextLook = earliest;
				sleep = earliest - now;
			}
			finally {
				LOCK.unlock();
			}
			for (Alarm alarm : due) {
				// On a thread of its own: what runs before the interrupt (sealing a response) waits
				// for a write in progress, and a slow client must not hold up every other deadline.
				Thread.startVirtualThread(alarm::ring);
			}
			// Woken early by an alarm with an earlier deadline; a spurious wake-up only looks again.
			LockSupport.parkNanos(sleep);
		}
	}

	// Called with LOCK held.
	private void link() {
		this.previous = last;
		if (last != null) {
			last.next = this;
		}
		else {
			first = this;
		}
		last = this;
		this.linked = true;
	}

	// Called with LOCK held.
	private void unlink() {
		if (!this.linked) {
			return;
		}
		if (this.previous != null) {
			this.previous.next = this.next;
		}
		else {
			first = this.next;
		}
		if (this.next != null) {
			this.next.previous = this.previous;
		}
		else {
			last = this.previous;
		}
		this.previous = null;
		this.next = null;
		this.linked = false;
	}

	private void ring() {
		if (STATE.compareAndSet(this, ARMED, RINGING)) {
			try {
				this.beforeInterrupt.run();
			}
			finally {
				this.thread.interrupt();
				this.state = RANG;
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
		if (STATE.compareAndSet(this, ARMED, DISARMED)) {
			LOCK.lock();
			try {
				unlink();
			}
			finally {
				LOCK.unlock();
			}
			return true;
		}
		if (this.state == DISARMED) {
			return true;
		}
		// It rang: wait until its interrupt has been sent, then clear it, so that no late interrupt
		// reaches this thread's next piece of work (writing the 503, say).
		while (this.state == RINGING) {
			Thread.onSpinWait();
		}
		Thread.interrupted();
		return false;
	}

	/** Whether the deadline passed before the handler was done. */
	boolean rang() {
		int current = this.state;
		return current == RINGING || current == RANG;
	}

}
