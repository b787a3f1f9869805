package dev.workerclass.offload;

import org.jspecify.annotations.Nullable;

/**
 * Where one blocking-style handler method runs under {@code server.offload=auto}, and why.
 *
 * @param route the route it serves, as {@code GET /todos}
 * @param handler its class and method, as {@code TodoController#list}
 * @param runsOn {@value #EVENT_LOOP} or {@value #OFFLOAD_POOL}
 * @param decided whether that is settled; {@code false} while it is still measured on the offload pool
 * @param measured calls measured so far
 * @param meanMicros their mean wall time in microseconds; {@code null} before the first
 * @param waitingShare the share of that time the calls waited: off the CPU after giving it up
 * (parked, sleeping, in I/O), not preempted; a single call that waited over a millisecond is left
 * out; {@code null} before the first
 * @param reason why it runs there, in one sentence with the figures
 */
public record OffloadRoute(String route, String handler, String runsOn, boolean decided, long measured,
		@Nullable Double meanMicros, @Nullable Double waitingShare, String reason) {

	/** Runs on the event loop that received the request. */
	public static final String EVENT_LOOP = "event-loop";

	/** Runs on the offload pool's platform threads. */
	public static final String OFFLOAD_POOL = "offload-pool";

}
