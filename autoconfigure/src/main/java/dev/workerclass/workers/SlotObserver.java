package dev.workerclass.workers;

/**
 * Hears how long each admitted request held its slot: what an adaptive concurrency limit learns
 * from. Called on the thread that released the slot, outside the slots' lock, once per request
 * that was granted while the observer was set.
 */
@FunctionalInterface
public interface SlotObserver {

	/**
	 * @param grantedAt when the slot was granted, {@link System#nanoTime()}
	 * @param heldNanos how long it was held
	 * @param inFlight requests holding a slot once this one got its own, itself included
	 * @param dropped whether the request was given up at its deadline
	 */
	void released(long grantedAt, long heldNanos, int inFlight, boolean dropped);

}
