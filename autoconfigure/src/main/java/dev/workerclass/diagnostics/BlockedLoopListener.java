package dev.workerclass.diagnostics;

import java.time.Duration;

/**
 * Told by the loop watchdog when an event loop crosses the blocked threshold, with the loop
 * thread's whole stack taken then: for whoever must act on what blocks it (the automatic
 * offload moves the handler on that stack off the loop). Called on the watchdog thread, once per
 * blocked episode; it must return quickly and not block.
 */
@FunctionalInterface
public interface BlockedLoopListener {

	/** Tells no one. */
	BlockedLoopListener NONE = (loop, stack, waited) -> {
	};

	/**
	 * @param loop the loop's thread
	 * @param stack its stack when the threshold was crossed, innermost frame first
	 * @param waited how long the loop had run one task by then
	 */
	void blocked(Thread loop, StackTraceElement[] stack, Duration waited);

}
