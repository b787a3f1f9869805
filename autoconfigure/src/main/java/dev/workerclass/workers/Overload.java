package dev.workerclass.workers;

/**
 * What a request refused for overload or given up at its deadline gets: 503 with
 * {@code Retry-After} and a short JSON reason, the same from every engine.
 */
public final class Overload {

	/** HTTP status of a refused request. */
	public static final int STATUS = 503;

	/** Seconds a client is told to wait before retrying. */
	public static final String RETRY_AFTER_SECONDS = "1";

	private Overload() {
	}

	/** The response body for a blocking-style handler the offload pool had no room for (reactive). */
	public static final String OFFLOAD_FULL_BODY = "{\"status\":503,\"error\":\"Service Unavailable\",\"reason\":"
			+ "\"all offload threads are busy and their line is full\"}";

	/** The response body for a request given up at its deadline. */
	public static String timeoutBody(WorkerSettings settings) {
		return "{\"status\":503,\"error\":\"Service Unavailable\",\"reason\":\"the request took longer than"
				+ " server.timeout=" + format(settings.timeout()) + "\"}";
	}

	private static String format(java.time.Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

	/** The response body for a request refused because the line in front of the workers was full. */
	public static String queueFullBody(WorkersSnapshot snapshot) {
		return queueFullBody(snapshot, "worker slots");
	}

	/** As above, naming what is full: {@code worker slots}, or the {@code offload threads} of a {@code @Blocking} handler. */
	public static String queueFullBody(WorkersSnapshot snapshot, String what) {
		return "{\"status\":503,\"error\":\"Service Unavailable\",\"reason\":\"all " + snapshot.capacity() + " "
				+ what + " are busy and " + snapshot.queued() + " requests are already waiting, the most allowed\"}";
	}

}
