package dev.workerclass.workers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The capacity of a set of workers as slots: a request takes a free slot or waits in line, first
 * come first served, and gives its slot back when it ends. This is where "busy" and "queued" come
 * from for every worker class, so they are exact, not sampled.
 * <p>
 * The limit may change at any time: growing hands the new slots to waiting requests at once;
 * shrinking takes no slot away from a request that holds one, it only admits fewer from then on.
 * The line is bounded: a request that finds it full is {@linkplain Ticket#isRejected() rejected}
 * at once, so that overload gets a fast, honest answer instead of a hang.
 */
public final class WorkerSlots {

	private final ReentrantLock lock = new ReentrantLock();

	private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();

	private final LongAdder completed = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private int limit;

	private int maxQueued;

	private int busy;

	/**
	 * @param limit slots
	 * @param maxQueued requests that may wait for a slot; one more is rejected
	 */
	public WorkerSlots(int limit, int maxQueued) {
		checkLimit(limit);
		this.limit = limit;
		this.maxQueued = Math.max(0, maxQueued);
	}

	/**
	 * Asks for a slot. {@code onGranted} runs once the slot is held: at once, on the calling
	 * thread, when one is free; otherwise later, on the thread that frees one. Either way it runs
	 * outside any lock.
	 * @return the ticket, to {@link Ticket#release() release} the slot (or leave the line) when the
	 * request ends; or a {@linkplain Ticket#isRejected() rejected} one, whose {@code onGranted} never runs
	 */
	public Ticket acquire(Consumer<Ticket> onGranted) {
		Ticket ticket = new Ticket(onGranted);
		boolean granted;
		this.lock.lock();
		try {
			granted = this.busy < this.limit && this.waiting.isEmpty();
			if (granted) {
				this.busy++;
				ticket.state.set(Ticket.GRANTED);
			}
			else if (this.waiting.size() < this.maxQueued) {
				this.waiting.addLast(ticket);
			}
			else {
				ticket.state.set(Ticket.REJECTED);
				this.rejected.increment();
			}
		}
		finally {
			this.lock.unlock();
		}
		if (granted) {
			onGranted.accept(ticket);
		}
		return ticket;
	}

	/** Changes the number of slots. Waiting requests that now fit are admitted before this returns. */
	public void setLimit(int limit) {
		checkLimit(limit);
		List<Ticket> admitted;
		this.lock.lock();
		try {
			this.limit = limit;
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

	public int limit() {
		this.lock.lock();
		try {
			return this.limit;
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

	private void release(Ticket ticket, boolean wasGranted) {
		List<Ticket> admitted;
		this.lock.lock();
		try {
			if (wasGranted) {
				this.busy--;
				this.completed.increment();
			}
			else {
				this.waiting.remove(ticket);
			}
			admitted = admitWaiting();
		}
		finally {
			this.lock.unlock();
		}
		admitted.forEach(Ticket::granted);
	}

	// Called with the lock held; the callers run the grants once it is released.
	private List<Ticket> admitWaiting() {
		if (this.waiting.isEmpty() || this.busy >= this.limit) {
			return List.of();
		}
		List<Ticket> admitted = new ArrayList<>();
		while (this.busy < this.limit && !this.waiting.isEmpty()) {
			Ticket next = this.waiting.pollFirst();
			// A ticket that left the line between its release() and removal is skipped, not granted.
			if (next.state.compareAndSet(Ticket.WAITING, Ticket.GRANTED)) {
				this.busy++;
				admitted.add(next);
			}
		}
		return admitted;
	}

	private static void checkLimit(int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, was " + limit);
		}
	}

	/** One request's claim on a slot: waiting, holding one, rejected, or done. */
	public final class Ticket {

		private static final int WAITING = 0;

		private static final int GRANTED = 1;

		private static final int DONE = 2;

		private static final int REJECTED = 3;

		private final AtomicInteger state = new AtomicInteger(WAITING);

		private final Consumer<Ticket> onGranted;

		private Ticket(Consumer<Ticket> onGranted) {
			this.onGranted = onGranted;
		}

		/** Whether this ticket holds a slot now. */
		public boolean isGranted() {
			return this.state.get() == GRANTED;
		}

		/** Whether the line was full when this ticket asked: it never gets a slot and needs no release. */
		public boolean isRejected() {
			return this.state.get() == REJECTED;
		}

		/**
		 * Ends the request: gives the slot back, or leaves the line if it was still waiting
		 * (its {@code onGranted} then never runs). Safe to call more than once; only the first counts.
		 */
		public void release() {
			WorkerSlots.this.lock.lock();
			int previous;
			try {
				// Under the lock, so a grant cannot slip in between reading and ending the state.
				previous = this.state.get();
				if (previous == WAITING || previous == GRANTED) {
					this.state.set(DONE);
				}
			}
			finally {
				WorkerSlots.this.lock.unlock();
			}
			if (previous == WAITING || previous == GRANTED) {
				WorkerSlots.this.release(this, previous == GRANTED);
			}
		}

		private void granted() {
			this.onGranted.accept(this);
		}

	}

}
