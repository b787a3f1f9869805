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
 */
public final class WorkerSlots {

	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled when the last busy slot is given back; for {@link #awaitIdle}. */
	private final Condition idle = this.lock.newCondition();

	private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();

	private final LongAdder completed = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private int capacity;

	private int maxQueued;

	private int busy;

	/**
	 * @param capacity slots: requests served at once
	 * @param maxQueued requests that may wait for a slot; one more is rejected
	 */
	public WorkerSlots(int capacity, int maxQueued) {
		checkCapacity(capacity);
		this.capacity = capacity;
		this.maxQueued = Math.max(0, maxQueued);
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
			if (this.busy < this.capacity && this.waiting.isEmpty()) {
				this.busy++;
				ticket.state = Ticket.GRANTED;
				return true;
			}
			else if (this.waiting.size() < this.maxQueued) {
				this.waiting.addLast(ticket);
			}
			else {
				ticket.state = Ticket.REJECTED;
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
		List<Ticket> admitted;
		this.lock.lock();
		try {
			this.capacity = capacity;
			admitted = admitWaiting();
		}
		finally {
			this.lock.unlock();
		}
		admitted.forEach(Ticket::granted);
	}

	/** Changes how many requests may wait; those already waiting keep their place. */
	public void setMaxQueued(int maxQueued) {
		this.lock.lock();
		try {
			this.maxQueued = Math.max(0, maxQueued);
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

	// Called with the lock held; the callers run the grants once it is released.
	private List<Ticket> admitWaiting() {
		if (this.waiting.isEmpty() || this.busy >= this.capacity) {
			return List.of();
		}
		List<Ticket> admitted = new ArrayList<>();
		while (this.busy < this.capacity && !this.waiting.isEmpty()) {
			Ticket next = this.waiting.pollFirst();
			// Every change of state happens under the lock, and a released ticket leaves the line with
			// it; checked all the same, so that a ticket is never granted twice.
			if (next.state == Ticket.WAITING) {
				next.state = Ticket.GRANTED;
				this.busy++;
				admitted.add(next);
			}
		}
		return admitted;
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

		private Ticket(@Nullable Consumer<Ticket> onGranted, @Nullable Thread waiter) {
			this.onGranted = onGranted;
			this.waiter = waiter;
		}

		/** Whether this ticket holds a slot now. */
		public boolean isGranted() {
			return this.state == GRANTED;
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
			WorkerSlots.this.lock.lock();
			try {
				// One critical section: reading and ending the state, and giving back what it held.
				int previous = this.state;
				if (previous != WAITING && previous != GRANTED) {
					return;
				}
				this.state = DONE;
				if (previous == GRANTED) {
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
