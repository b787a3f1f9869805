package dev.workerclass.workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Validated worker settings: what {@code server.worker-class}, {@code server.workers} and their
 * siblings resolve to once defaults are applied. Built with {@link #resolve}; a bad value never
 * gets this far.
 *
 * @param workerClass the model
 * @param workers worker units ({@code -w})
 * @param threads threads per worker; meaningful for {@link WorkerClass#THREAD} only
 * @param workerConnections requests in flight per worker; meaningful for virtual and reactive
 * @param backlog TCP accept backlog, or {@code null} for the engine's default
 * @param keepAlive idle keep-alive timeout, or {@code null} for the engine's default
 * @param gracefulTimeout how long shutdown waits for requests in flight, or {@code null} for Boot's default
 * @param ignored settings that were given but do not apply to this class, as {@code name=value}
 */
public record WorkerSettings(WorkerClass workerClass, int workers, int threads, int workerConnections, Integer backlog,
		Duration keepAlive, Duration gracefulTimeout, List<String> ignored) {

	/** Upper bound for {@code server.workers}: beyond it a typo is likelier than intent. */
	public static final int MAX_WORKERS = 10_000;

	/** Upper bound for {@code server.threads} and {@code server.worker-connections}. */
	public static final int MAX_PER_WORKER = 1_000_000;

	/** Upper bound for the capacity (requests in flight) any combination may reach. */
	public static final int MAX_CAPACITY = 10_000_000;

	public WorkerSettings {
		ignored = List.copyOf(ignored);
	}

	/**
	 * Applies defaults for the class and validates every value.
	 * @param workerClassName the class or alias as given, {@code null} for the default class
	 * @param cores available processors, for the defaults that depend on them
	 * @throws InvalidWorkerSettingException naming the first property that is out of range
	 */
	public static WorkerSettings resolve(String workerClassName, Integer workers, Integer threads,
			Integer workerConnections, Integer backlog, Duration keepAlive, Duration gracefulTimeout, int cores) {
		WorkerClass workerClass = (workerClassName != null) ? WorkerClass.parse(workerClassName) : WorkerClass.DEFAULT;
		int resolvedWorkers = checkRange("server.workers", workers, workerClass.defaultWorkers(cores), 1, MAX_WORKERS);
		int resolvedThreads = checkRange("server.threads", threads, workerClass.defaultThreads(), 1, MAX_PER_WORKER);
		int resolvedConnections = checkRange("server.worker-connections", workerConnections,
				workerClass.defaultWorkerConnections(), 1, MAX_PER_WORKER);
		if (backlog != null) {
			checkRange("server.backlog", backlog, 0, 1, 65_535);
		}
		checkNotNegative("server.keep-alive", keepAlive);
		checkNotNegative("server.graceful-timeout", gracefulTimeout);
		List<String> ignored = new ArrayList<>();
		if (threads != null && !workerClass.usesThreads()) {
			ignored.add("server.threads=" + threads);
		}
		if (workerConnections != null && !workerClass.usesWorkerConnections()) {
			ignored.add("server.worker-connections=" + workerConnections);
		}
		WorkerSettings settings = new WorkerSettings(workerClass, resolvedWorkers, resolvedThreads, resolvedConnections,
				backlog, keepAlive, gracefulTimeout, ignored);
		if (settings.capacityOf(resolvedWorkers) > MAX_CAPACITY) {
			String perWorker = workerClass.usesThreads() ? "server.threads" : "server.worker-connections";
			throw new InvalidWorkerSettingException("server.workers", resolvedWorkers,
					"a value whose product with " + perWorker + " is at most " + MAX_CAPACITY);
		}
		return settings;
	}

	/** Requests this configuration serves at once: workers, workers × threads, or workers × worker-connections. */
	public int capacity() {
		return (int) capacityOf(this.workers);
	}

	/** Requests served at once with {@code workers} workers and this configuration's per-worker size. */
	public long capacityOf(int workers) {
		return switch (this.workerClass) {
			case SYNC -> workers;
			case THREAD -> (long) workers * this.threads;
			case VIRTUAL, REACTIVE -> (long) workers * this.workerConnections;
		};
	}

	/** The same settings with another number of workers (already validated by the caller). */
	public WorkerSettings withWorkers(int workers) {
		return new WorkerSettings(this.workerClass, workers, this.threads, this.workerConnections, this.backlog,
				this.keepAlive, this.gracefulTimeout, this.ignored);
	}

	/** What gunicorn's "Using worker: gevent" says, with the sizes: {@code virtual (workers=1, worker-connections=1000, capacity=1000)}. */
	public String describe() {
		String sizes = switch (this.workerClass) {
			case SYNC -> "workers=" + this.workers + ", capacity=" + capacity();
			case THREAD -> "workers=" + this.workers + ", threads=" + this.threads + ", capacity=" + capacity();
			case VIRTUAL, REACTIVE -> "workers=" + this.workers + ", worker-connections=" + this.workerConnections
					+ ", capacity=" + capacity();
		};
		return this.workerClass.canonicalName() + " (" + sizes + ")";
	}

	private static int checkRange(String property, Integer value, int defaultValue, int min, int max) {
		if (value == null) {
			return defaultValue;
		}
		if (value < min || value > max) {
			throw new InvalidWorkerSettingException(property, value, "a whole number from " + min + " to " + max);
		}
		return value;
	}

	private static void checkNotNegative(String property, Duration value) {
		if (value != null && value.isNegative()) {
			throw new InvalidWorkerSettingException(property, value, "a duration of zero or more, e.g. 30s");
		}
	}

}
