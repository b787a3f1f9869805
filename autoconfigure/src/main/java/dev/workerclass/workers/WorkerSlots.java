package dev.workerclass.workers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The capacity of a set of workers as slots: a request takes a free slot or waits in line, first
 * come first served, and gives its slot back when it ends. This is where "busy" and "queued" come
 * from for every worker class, so they are exact, not sampled.
 * <p>
 * The capacity may change at any time: growing hands the new slots to waiting requests at once;
 * shrinking takes no slot away from a request that holds one, it only admits fewer from then on.
 * The line is bounded: a request that finds it full is {@linkplain Ticket#isRejected() rejected}
 * at once, so that overload gets a fast, honest answer instead of a hang.
 * <p>
 * A {@linkplain #setLimit(int) limit} may admit fewer requests than there are slots: an adaptive
 * concurrency limit sets it from measured latency. The slots stay the enforcement either way: a
 * request over the limit waits in the same line, or is refused when it is full. With
 * {@link #followLimitWithLine(boolean)} the line is as long as the limit, so that a request that
 * waits does so for about one service time, and the rest are refused fast. An
 * {@linkplain #observe(SlotObserver) observer} hears how long each admitted request held its slot.
 */
public final class WorkerSlots {

	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled when the last busy slot is given back; for {@link #awaitIdle}. */
	private final Condition idle = this.lock.newCondition();

	private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();

	private final LongAdder completed = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	/** {@link System#nanoTime()} of the last rejection; meaningful once {@link #rejected()} is above 0. */
	private volatile long lastRejectedNanos;

	private int capacity;

	private int maxQueued;

	/** The most requests admitted at once; {@link Integer#MAX_VALUE} while no limit is set. */
	private int limit = Integer.MAX_VALUE;

	private boolean lineFollowsLimit;

	// Derived from the three above by derive(), under the lock: read on every request.

	/** Requests admitted at once: the capacity, or the limit where it is lower. */
	private int admitting;

	/** Requests that may wait now. */
	private int lineBound;

	private int busy;

	/** Told of every admitted request when it ends; {@code null} for none, so the clock is not read. */
	private volatile @Nullable SlotObserver observer;

	/**
	 * @param capacity slots: requests served at once
	 * @param maxQueued requests that may wait for a slot; one more is rejected
	 */
	public WorkerSlots(int capacity, int maxQueued) {
		checkCapacity(capacity);
		this.capacity = capacity;
		this.maxQueued = Math.max(0, maxQueued);
		derive();
	}

	// Called with the lock held (or from the constructor) after any of the inputs changed.
	private void derive() {
		this.admitting = Math.min(this.capacity, this.limit);
		this.lineBound = this.lineFollowsLimit ? Math.min(this.maxQueued, this.admitting) : this.maxQueued;
	}

	/**
	 * Waits until no slot is busy or {@code deadline} ({@link System#nanoTime()}) passes.
	 * @return whether every slot was free in time
	 */
	public boolean awaitIdle(long deadline) throws InterruptedException {
		this.lock.lock();
		try {
			while (this.busy > 0) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				this.idle.awaitNanos(left);
			}
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Asks for a slot. {@code onGranted} runs once the slot is held: at once, on the calling
	 * thread, when one is free; otherwise later, on the thread that frees one. Either way it runs
	 * outside any lock.
	 * @return the ticket, to {@link Ticket#release() release} the slot (or leave the line) when the
	 * request ends; or a {@linkplain Ticket#isRejected() rejected} one, whose {@code onGranted} never runs
	 */
	public Ticket acquire(Consumer<Ticket> onGranted) {
		Ticket ticket = new Ticket(onGranted, null);
		// Decided under the lock: once queued, the ticket may be granted by another thread at any
		// moment, and that thread then runs the callback.
		if (take(ticket)) {
			onGranted.accept(ticket);
		}
		return ticket;
	}

	/**
	 * Asks for a slot for the calling thread, which then {@linkplain Ticket#await(long) waits} for
	 * it if it is not {@linkplain Ticket#isGranted() granted} at once: the path of every servlet
	 * request, so it allocates the ticket and nothing else (no future, no callback).
	 * @return the ticket, granted, waiting or rejected
	 */
	public Ticket acquire() {
		Ticket ticket = new Ticket(null, Thread.currentThread());
		take(ticket);
		return ticket;
	}

	/** Grants, queues or rejects a new ticket; whether it was granted at once. */
	private boolean take(Ticket ticket) {
		this.lock.lock();
		try {
			if (this.busy < this.admitting && this.waiting.isEmpty()) {
				this.busy++;
				grant(ticket);
				return true;
			}
			else if (this.waiting.size() < this.lineBound) {
				this.waiting.addLast(ticket);
			}
			else {
				ticket.state = Ticket.REJECTED;
				// Written before the count, so a reader that sees the count sees a time at least this recent.
				this.lastRejectedNanos = System.nanoTime();
				this.rejected.increment();
			}
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Changes the number of slots. Waiting requests that now fit are admitted before this returns. */
	public void setCapacity(int capacity) {
		checkCapacity(capacity);
		change(() -> this.capacity = capacity);
	}

	/** Changes how many requests may wait; those already waiting keep their place. */
	public void setMaxQueued(int maxQueued) {
		change(() -> this.maxQueued = Math.max(0, maxQueued));
	}

	/**
	 * Admits at most {@code limit} requests at once from now on (never more than the capacity).
	 * Raising it admits waiting requests that now fit before this returns; lowering it takes no
	 * slot away from a request that holds one.
	 */
	public void setLimit(int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, was " + limit);
		}
		change(() -> this.limit = limit);
	}

	/**
	 * Whether the line is as long as the {@linkplain #setLimit(int) limit} (and never longer than
	 * {@link #maxQueued()}) instead of {@link #maxQueued()} itself. Those already waiting keep their place.
	 */
	public void followLimitWithLine(boolean follow) {
		change(() -> this.lineFollowsLimit = follow);
	}

	/**
	 * Applies a change of the capacity, limit or line under the lock, derives what is read on every
	 * request from it, and grants the waiting requests that now fit once the lock is released.
	 */
	private void change(Runnable setting) {
		List<Ticket> admitted;
		this.lock.lock();
		try {
			setting.run();
			derive();
			admitted = admitWaiting();
		}
		finally {
			this.lock.unlock();
		}
		admitted.forEach(Ticket::granted);
	}

	/**
	 * Tells {@code observer} of every admitted request when it ends, from then on, replacing any
	 * observer before it; {@code null} stops it.
	 */
	public void observe(@Nullable SlotObserver observer) {
		this.observer = observer;
	}

	/** Requests admitted at once now: the capacity, or the limit where it is lower. */
	public int admitting() {
		this.lock.lock();
		try {
			return this.admitting;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Requests that may wait now: {@link #maxQueued()}, or the limit while the line follows it. */
	public int lineBound() {
		this.lock.lock();
		try {
			return this.lineBound;
		}
		finally {
			this.lock.unlock();
		}
	}

	public int maxQueued() {
		this.lock.lock();
		try {
			return this.maxQueued;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Slots: requests served at once. */
	public int capacity() {
		this.lock.lock();
		try {
			return this.capacity;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Requests holding a slot now. */
	public int busy() {
		this.lock.lock();
		try {
			return this.busy;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Requests waiting for a slot now. */
	public int queued() {
		this.lock.lock();
		try {
			return this.waiting.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Requests that held a slot and gave it back, since start. */
	public long completed() {
		return this.completed.sum();
	}

	/** Requests turned away because the line was full, since start. */
	public long rejected() {
		return this.rejected.sum();
	}

	/**
	 * {@link System#nanoTime()} when the last request was turned away; only meaningful once
	 * {@link #rejected()} is above 0. Read by readiness, which asks whether it is recent.
	 */
	public long lastRejectedNanos() {
		return this.lastRejectedNanos;
	}

	// Called with the lock held; the callers run the grants once it is released.
	private List<Ticket> admitWaiting() {
		if (this.waiting.isEmpty() || this.busy >= this.admitting) {
			return List.of();
		}
		List<Ticket> admitted = new ArrayList<>();
		while (this.busy < this.admitting && !this.waiting.isEmpty()) {
			Ticket next = this.waiting.pollFirst();
			// Every change of state happens under the lock, and a released ticket leaves the line with
			// it; checked all the same, so that a ticket is never granted twice.
			if (next.state == Ticket.WAITING) {
				this.busy++;
				grant(next);
				admitted.add(next);
			}
		}
		return admitted;
	}

	// Called with the lock held, busy already counting the ticket.
	private void grant(Ticket ticket) {
		ticket.state = Ticket.GRANTED;
		if (this.observer != null) {
			// Read only when someone listens: a clock read per request is not free.
			ticket.grantedAt = System.nanoTime();
			ticket.inFlight = this.busy;
		}
	}

	private static void checkCapacity(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
		}
	}

	/** One request's claim on a slot: waiting, holding one, rejected, or done. */
	public final class Ticket {

		private static final int WAITING = 0;

		private static final int GRANTED = 1;

		private static final int DONE = 2;

		private static final int REJECTED = 3;

		/** Written under the lock only; volatile for the reads outside it. */
		private volatile int state = WAITING;

		/** Run on a grant for a ticket taken with a callback; {@code null} for a waiting thread's ticket. */
		private final @Nullable Consumer<Ticket> onGranted;

		/** The thread that waits in {@link #await(long)}, unparked on a grant; {@code null} with a callback. */
		private final @Nullable Thread waiter;

		/** When it was granted ({@link System#nanoTime()}), if an observer was set then; under the lock. */
		private long grantedAt;

		/** Requests holding a slot once this one got its own, set with {@link #grantedAt}; 0 if unobserved. */
		private int inFlight;

		/** Given up at its deadline: the observer hears of it as a drop. */
		private volatile boolean dropped;

		private Ticket(@Nullable Consumer<Ticket> onGranted, @Nullable Thread waiter) {
			this.onGranted = onGranted;
			this.waiter = waiter;
		}

		/** Whether this ticket holds a slot now. */
		public boolean isGranted() {
			return this.state == GRANTED;
		}

		/**
		 * Marks the request as given up at its deadline, before its {@link #release()}: an
		 * {@linkplain WorkerSlots#observe(SlotObserver) observer} hears of it as a drop, the signal an
		 * adaptive limit backs off on.
		 */
		public void drop() {
			this.dropped = true;
		}

		/** Whether the line was full when this ticket asked: it never gets a slot and needs no release. */
		public boolean isRejected() {
			return this.state == REJECTED;
		}

		/**
		 * Waits, on the thread that took this ticket with {@link WorkerSlots#acquire()}, until it is
		 * granted or {@code deadline} ({@link System#nanoTime()}; {@link Long#MAX_VALUE} for none)
		 * passes. On {@code false} the ticket may still be granted a moment later: the caller
		 * {@link #release() releases} it either way, which gives such a late slot back.
		 * @return whether the slot is held
		 * @throws InterruptedException if the thread was interrupted while waiting (the ticket then
		 * still needs its release)
		 */
		public boolean await(long deadline) throws InterruptedException {
			while (this.state == WAITING) {
				if (Thread.interrupted()) {
					throw new InterruptedException();
				}
				if (deadline == Long.MAX_VALUE) {
					LockSupport.park(this);
				}
				else {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						return false;
					}
					LockSupport.parkNanos(this, left);
				}
			}
			return this.state == GRANTED;
		}

		/**
		 * Ends the request: gives the slot back, or leaves the line if it was still waiting
		 * (its {@code onGranted} then never runs). Safe to call more than once; only the first counts.
		 */
		public void release() {
			List<Ticket> admitted;
			long heldFrom = 0;
			int inFlightThen = 0;
			WorkerSlots.this.lock.lock();
			try {
				// One critical section: reading and ending the state, and giving back what it held.
				int previous = this.state;
				if (previous != WAITING && previous != GRANTED) {
					return;
				}
				this.state = DONE;
				if (previous == GRANTED) {
					heldFrom = this.grantedAt;
					inFlightThen = this.inFlight;
					WorkerSlots.this.busy--;
					WorkerSlots.this.completed.increment();
					if (WorkerSlots.this.busy == 0) {
						WorkerSlots.this.idle.signalAll();
					}
				}
				else {
					WorkerSlots.this.waiting.remove(this);
				}
				admitted = admitWaiting();
			}
			finally {
				WorkerSlots.this.lock.unlock();
			}
			SlotObserver listening = WorkerSlots.this.observer;
			if (inFlightThen > 0 && listening != null) {
				listening.released(heldFrom, System.nanoTime() - heldFrom, inFlightThen, this.dropped);
			}
			admitted.forEach(Ticket::granted);
		}

		private void granted() {
			if (this.onGranted != null) {
				this.onGranted.accept(this);
			}
			else {
				LockSupport.unpark(this.waiter);
			}
		}

	}

}
