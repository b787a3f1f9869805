package dev.workerclass.workers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The starter's one deadline mechanism: at a request's deadline it runs an action, unless the
 * request is done first. Exactly one of the two wins. Most alarms interrupt a thread (the
 * handler's, or the one waiting for it); the loser of that race clears the interrupt it may have
 * been sent, so an alarm never interrupts a thread that has moved on to other work. The servlet
 * classes, the offload pool and the reactive filter all keep time with it.
 * <p>
 * Armed alarms sit in one doubly linked list (the alarms are its nodes), so arming and disarming
 * are a link and an unlink under a short lock, with no allocation beyond the alarm itself. A single
 * timer thread sleeps until the earliest deadline it knows of and is woken early only by an alarm
 * armed with an earlier one. Every request has the same timeout, so in steady traffic new
 * deadlines are later than the planned one and the timer sleeps through: it wakes about once per
 * {@link #IDLE_HORIZON_NANOS idle horizon}, not per request. Each alarm that goes off rings on a
 * virtual thread of its own.
 * <p>
 * Why not the JDK's {@code ScheduledThreadPoolExecutor} (with
 * {@code setRemoveOnCancelPolicy(true)}, so cancelled tasks leave its queue): it wakes its thread
 * whenever a task becomes the head of its queue, which at a modest rate with one request in
 * flight is once per request; a timed wake-up of a thread costs far more CPU than the request's
 * link and unlink here. The same holds for Reactor's {@code Mono.delay}, which schedules on such
 * an executor, and for a timed {@code Future.get}, which schedules a timed wake-up of its own for
 * every request.
 */
public final class Alarm {

	/** How long the timer sleeps when no alarm is armed: a later alarm with an earlier deadline wakes it. */
	static final long IDLE_HORIZON_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final ReentrantLock LOCK = new ReentrantLock();

	// The armed alarms, guarded by LOCK.

	private static @Nullable Alarm first;

	private static @Nullable Alarm last;

	/** When the timer looks next ({@link System#nanoTime()}), guarded by LOCK; valid once it runs. */
	private static long nextLook;

	private static volatile @Nullable Thread timer;

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

	/** The thread to interrupt when it rings; {@code null} for an alarm that only runs its action. */
	private final @Nullable Thread thread;

	private final long deadline;

	private final @Nullable Runnable action;

	// Links in the armed list, guarded by LOCK.

	private @Nullable Alarm previous;

	private @Nullable Alarm next;

	private boolean linked;

	private Alarm(@Nullable Thread thread, long deadline, @Nullable Runnable action) {
		this.thread = thread;
		this.deadline = deadline;
		this.action = action;
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
		return arm(thread, deadline, beforeInterrupt);
	}

	/**
	 * An alarm that runs {@code action} at {@code deadline} ({@link System#nanoTime()}) on a thread
	 * of its own, unless {@linkplain #disarm() disarmed} first: for a caller that keeps time
	 * without a thread to interrupt (an event-loop request).
	 */
	public static Alarm runAt(long deadline, Runnable action) {
		return arm(null, deadline, action);
	}

	private static Alarm arm(@Nullable Thread thread, long deadline, Runnable action) {
		if (deadline == Workers.NO_DEADLINE) {
			return NONE;
		}
		Thread sweeper = timer();
		Alarm alarm = new Alarm(thread, deadline, action);
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
				this.action.run();
			}
			finally {
				if (this.thread != null) {
					this.thread.interrupt();
				}
				this.state = RANG;
			}
		}
	}

	/**
	 * Called when the request is done, by the interrupted thread itself for an alarm that
	 * interrupts one.
	 * @return {@code true} if it was done in time; {@code false} if the alarm rang first (the
	 * interrupt it sent is cleared)
	 */
	public boolean disarm() {
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
		if (this.thread == null) {
			// It rang: its action runs or ran, and there is no interrupt to clear.
			return false;
		}
		// It rang: wait until its interrupt has been sent, then clear it, so that no late interrupt
		// reaches this thread's next piece of work (writing the 503, say).
		while (this.state == RINGING) {
			Thread.onSpinWait();
		}
		Thread.interrupted();
		return false;
	}

	/** Whether the deadline passed before the request was done. */
	public boolean rang() {
		int current = this.state;
		return current == RINGING || current == RANG;
	}

}
