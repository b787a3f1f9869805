package dev.workerclass.workers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Validated worker settings: what {@code server.worker-class}, {@code server.workers} and their
 * siblings resolve to once defaults are applied. Built with {@link #builder()}; a bad value never
 * gets this far.
 *
 * @param workerClass the model
 * @param workers worker units ({@code -w})
 * @param threads threads per worker; meaningful for {@link WorkerClass#THREAD} only
 * @param workerConnections requests in flight per worker; meaningful for virtual and reactive
 * @param backlog TCP accept backlog, or {@code null} if not set (see {@link #acceptBacklog})
 * @param keepAlive idle keep-alive timeout, or {@code null} for the engine's default
 * @param gracefulTimeout how long shutdown waits for requests in flight, or {@code null} for Boot's default
 * @param maxWorkers the most workers a runtime resize may set
 * @param maxQueuedSetting requests allowed to wait for a slot, or {@code null} to derive it from the capacity
 * @param ignored settings that were given but do not apply to this class, as {@code name=value}
 * @param timeout per-request deadline, {@link Duration#ZERO} for none
 * @param offloadThreads platform threads of the offload pool ({@code @Blocking} handlers, and blocking-style
 * handlers under reactive)
 */
public record WorkerSettings(WorkerClass workerClass, int workers, int threads, int workerConnections,
		@Nullable Integer backlog, @Nullable Duration keepAlive, @Nullable Duration gracefulTimeout, int maxWorkers,
		@Nullable Integer maxQueuedSetting, List<String> ignored, Duration timeout, int offloadThreads) {

	/** Default {@code server.timeout}: a request still running after it gets 503. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Default {@code server.backlog}: gunicorn's. Engines' own defaults are far lower (Tomcat 100):
	 * a burst of connections then overflows the kernel's accept queue, and each dropped SYN costs
	 * its client a retransmit one second later (measured in docs/benchmarks.md, experiment 3).
	 */
	public static final int DEFAULT_BACKLOG = 2048;

	/** Default {@code server.offload-threads}: the size of the thread pool a plain Spring Boot app has on Tomcat. */
	public static final int DEFAULT_OFFLOAD_THREADS = 200;

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
	 * Starts the settings as the {@code server.*} properties give them: every size unset
	 * ({@code null}) until named; {@link Builder#resolve} applies the class's defaults and
	 * validates every value.
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The {@code server.*} values as given, each {@code null} until set, named as the properties
	 * are: {@code WorkerSettings.builder().workerClass("virtual").workerConnections(5).resolve(cores)}.
	 */
	public static final class Builder {

		private @Nullable String workerClass;

		private @Nullable Integer workers;

		private @Nullable Integer threads;

		private @Nullable Integer workerConnections;

		private @Nullable Integer backlog;

		private @Nullable Duration keepAlive;

		private @Nullable Duration gracefulTimeout;

		private @Nullable Integer maxWorkers;

		private @Nullable Integer maxQueued;

		private @Nullable Duration timeout;

		private @Nullable Integer offloadThreads;

		private Builder() {
		}

		/** {@code server.worker-class}: a class or alias; {@code null} for the {@link WorkerClass#DEFAULT default}. */
		public Builder workerClass(@Nullable String workerClass) {
			this.workerClass = workerClass;
			return this;
		}

		/** {@code server.workers}. */
		public Builder workers(@Nullable Integer workers) {
			this.workers = workers;
			return this;
		}

		/** {@code server.threads}. */
		public Builder threads(@Nullable Integer threads) {
			this.threads = threads;
			return this;
		}

		/** {@code server.worker-connections}. */
		public Builder workerConnections(@Nullable Integer workerConnections) {
			this.workerConnections = workerConnections;
			return this;
		}

		/** {@code server.backlog}. */
		public Builder backlog(@Nullable Integer backlog) {
			this.backlog = backlog;
			return this;
		}

		/** {@code server.keep-alive}. */
		public Builder keepAlive(@Nullable Duration keepAlive) {
			this.keepAlive = keepAlive;
			return this;
		}

		/** {@code server.graceful-timeout}. */
		public Builder gracefulTimeout(@Nullable Duration gracefulTimeout) {
			this.gracefulTimeout = gracefulTimeout;
			return this;
		}

		/** {@code server.max-workers}. */
		public Builder maxWorkers(@Nullable Integer maxWorkers) {
			this.maxWorkers = maxWorkers;
			return this;
		}

		/** {@code server.max-queued}. */
		public Builder maxQueued(@Nullable Integer maxQueued) {
			this.maxQueued = maxQueued;
			return this;
		}

		/** {@code server.timeout}: {@code null} for {@link WorkerSettings#DEFAULT_TIMEOUT 30 s}, zero for none. */
		public Builder timeout(@Nullable Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		/** {@code server.offload-threads}: {@code null} for {@value WorkerSettings#DEFAULT_OFFLOAD_THREADS}. */
		public Builder offloadThreads(@Nullable Integer offloadThreads) {
			this.offloadThreads = offloadThreads;
			return this;
		}

		/**
		 * Applies defaults for the class and validates every value.
		 * @param cores available processors, for the defaults that depend on them
		 * @throws InvalidWorkerSettingException naming the first property that is out of range
		 */
		public WorkerSettings resolve(int cores) {
			return WorkerSettings.resolve(this, cores);
		}

	}

	private static WorkerSettings resolve(Builder given, int cores) {
		String workerClassName = given.workerClass;
		Integer workers = given.workers;
		Integer threads = given.threads;
		Integer workerConnections = given.workerConnections;
		Integer backlog = given.backlog;
		Duration keepAlive = given.keepAlive;
		Duration gracefulTimeout = given.gracefulTimeout;
		Integer maxWorkers = given.maxWorkers;
		Integer maxQueued = given.maxQueued;
		Duration timeout = given.timeout;
		Integer offloadThreads = given.offloadThreads;
		WorkerClass workerClass = (workerClassName != null) ? WorkerClass.parse(workerClassName) : WorkerClass.DEFAULT;
		int resolvedWorkers = checkRange("server.workers", workers, workerClass.defaultWorkers(cores), 1, MAX_WORKERS);
		int resolvedThreads = checkRange("server.threads", threads, workerClass.defaultThreads(), 1, MAX_PER_WORKER);
		int resolvedConnections = checkRange("server.worker-connections", workerConnections,
				workerClass.defaultWorkerConnections(), 1, MAX_PER_WORKER);
		if (backlog != null) {
			checkRange("server.backlog", backlog, 0, 1, 65_535);
		}
		int resolvedMaxWorkers = checkRange("server.max-workers", maxWorkers, defaultMaxWorkers(resolvedWorkers), 1,
				MAX_WORKERS);
		if (resolvedMaxWorkers < resolvedWorkers) {
			throw new InvalidWorkerSettingException("server.max-workers", resolvedMaxWorkers,
					"a whole number of at least server.workers (" + resolvedWorkers + ")");
		}
		if (maxQueued != null) {
			checkRange("server.max-queued", maxQueued, 0, 0, MAX_CAPACITY);
		}
		checkNotNegative("server.keep-alive", keepAlive);
		checkNotNegative("server.timeout", timeout);
		int resolvedOffloadThreads = checkRange("server.offload-threads", offloadThreads, DEFAULT_OFFLOAD_THREADS, 1,
				MAX_PER_WORKER);
		checkNotNegative("server.graceful-timeout", gracefulTimeout);
		List<String> ignored = new ArrayList<>();
		if (threads != null && !workerClass.usesThreads()) {
			ignored.add("server.threads=" + threads);
		}
		if (workerConnections != null && !workerClass.usesWorkerConnections()) {
			ignored.add("server.worker-connections=" + workerConnections);
		}
		WorkerSettings settings = new WorkerSettings(workerClass, resolvedWorkers, resolvedThreads, resolvedConnections,
				backlog, keepAlive, gracefulTimeout, resolvedMaxWorkers, maxQueued, ignored,
				(timeout != null) ? timeout : DEFAULT_TIMEOUT, resolvedOffloadThreads);
		settings.checkCapacity("server.workers", resolvedWorkers,
				workerClass.usesThreads() ? "server.threads" : "server.worker-connections");
		return settings;
	}

	/**
	 * The accept backlog an engine should listen with: {@code server.backlog} if set, otherwise
	 * the highest of gunicorn's {@value #DEFAULT_BACKLOG}, the engine's own default (Reactor Netty
	 * takes the kernel's {@code somaxconn}) and the kernel's {@code net.core.somaxconn}.
	 */
	public int acceptBacklog(int engineDefault) {
		return acceptBacklog(engineDefault, KernelSomaxconn.VALUE);
	}

	/**
	 * {@link #acceptBacklog(int)} against a given kernel limit. The kernel caps every listen
	 * backlog at {@code somaxconn}, so asking for less where it allows more only drops connections
	 * sooner in a burst; an operator who raised it for a server meant the server to use it.
	 */
	int acceptBacklog(int engineDefault, int somaxconn) {
		return (this.backlog != null) ? this.backlog
				: Math.max(DEFAULT_BACKLOG, Math.max(engineDefault, Math.min(somaxconn, MAX_BACKLOG)));
	}

	/** The largest backlog taken from the kernel's setting: a listen backlog is a 16-bit count on Linux. */
	static final int MAX_BACKLOG = 65_535;

	/** {@code /proc/sys/net/core/somaxconn}, read once; 0 where there is none (not Linux, no access). */
	static final class KernelSomaxconn {

		static final int VALUE = read(Path.of("/proc/sys/net/core/somaxconn"));

		/**
		 * One read into a buffer that holds the whole value: a sysctl file gives its text to the
		 * first read only, and {@code Files.readString} reads it a byte at first (it reports a size
		 * of 0), so it got "4" of "4096".
		 */
		static int read(Path sysctl) {
			try (InputStream in = Files.newInputStream(sysctl)) {
				byte[] text = new byte[32];
				int read = in.read(text);
				return (read > 0) ? Integer.parseInt(new String(text, 0, read, StandardCharsets.US_ASCII).trim()) : 0;
			}
			catch (IOException | RuntimeException ex) {
				return 0;
			}
		}

	}

	/**
	 * Connections an engine accepts beyond the slots and their line, so that a control-plane
	 * request can still get in when both are full; a regular request that takes one gets 503.
	 */
	public static final int CONTROL_CONNECTIONS = 8;

	/**
	 * Connections the engine should accept: capacity, line and the control plane's few. For sync
	 * this is the limit, so the rest wait in the kernel's backlog as in front of gunicorn; for the
	 * other classes it is a floor under the engine's own limit.
	 */
	public int connectionLimit() {
		return (int) Math.min(Integer.MAX_VALUE, (long) capacity() + maxQueued() + CONTROL_CONNECTIONS);
	}

	/** Default {@code server.max-workers}: room to grow fourfold, and at least 16. */
	public static int defaultMaxWorkers(int workers) {
		return Math.max(16, (int) Math.min(MAX_WORKERS, 4L * workers));
	}

	/**
	 * Requests allowed to wait for a slot: {@code server.max-queued}, or by default ten times the
	 * capacity and at least 100. Beyond it a request is refused at once (503) rather than left to hang.
	 */
	public int maxQueued() {
		if (this.maxQueuedSetting != null) {
			return this.maxQueuedSetting;
		}
		return (int) Math.min(MAX_CAPACITY, Math.max(100, 10L * capacity()));
	}

	/**
	 * New sizes for a running server, validated as at start-up: {@code workers} up to
	 * {@code max-workers}, a per-worker size only where the class has one. {@code null} keeps a size.
	 * @param names how the caller calls the three sizes, for messages (e.g. {@code workers}, {@code threads}, {@code workerConnections})
	 * @throws InvalidWorkerSettingException naming the first size out of range
	 */
	public WorkerSettings resized(@Nullable Integer workers, @Nullable Integer threads,
			@Nullable Integer workerConnections, String... names) {
		int newWorkers = this.workers;
		if (workers != null) {
			newWorkers = checkRange(names[0], workers, this.workers, 1, this.maxWorkers);
		}
		int newThreads = this.threads;
		if (threads != null) {
			if (!this.workerClass.usesThreads()) {
				throw new InvalidWorkerSettingException(names[1], threads,
						"no value: " + names[1] + " applies to the thread class only, not " + this.workerClass.canonicalName());
			}
			newThreads = checkRange(names[1], threads, this.threads, 1, MAX_PER_WORKER);
		}
		int newConnections = this.workerConnections;
		if (workerConnections != null) {
			if (!this.workerClass.usesWorkerConnections()) {
				throw new InvalidWorkerSettingException(names[2], workerConnections, "no value: " + names[2]
						+ " applies to the virtual and reactive classes only, not " + this.workerClass.canonicalName());
			}
			newConnections = checkRange(names[2], workerConnections, this.workerConnections, 1, MAX_PER_WORKER);
		}
		WorkerSettings resized = new WorkerSettings(this.workerClass, newWorkers, newThreads, newConnections,
				this.backlog, this.keepAlive, this.gracefulTimeout, this.maxWorkers, this.maxQueuedSetting,
				this.ignored, this.timeout, this.offloadThreads);
		String perWorker = this.workerClass.usesThreads() ? names[1] : names[2];
		Integer perWorkerGiven = this.workerClass.usesThreads() ? threads : workerConnections;
		if (workers == null && perWorkerGiven != null) {
			// Only the per-worker size changed: it is the one that overflows.
			resized.checkCapacity(perWorker, perWorkerGiven, names[0]);
		}
		else {
			resized.checkCapacity(names[0], newWorkers, perWorker);
		}
		return resized;
	}

	private void checkCapacity(String property, int value, String other) {
		if (capacityOf(this.workers) > MAX_CAPACITY) {
			throw new InvalidWorkerSettingException(property, value, "a value whose product with " + other
					+ " (the capacity, here " + capacityOf(this.workers) + ") is at most " + MAX_CAPACITY);
		}
	}

	/** Requests this configuration serves at once: workers, workers × threads, or workers × worker-connections. */
	public int capacity() {
		return (int) Math.min(Integer.MAX_VALUE, capacityOf(this.workers));
	}

	/** Requests served at once with {@code workers} workers and this configuration's per-worker size. */
	public long capacityOf(int workers) {
		return this.workerClass.capacity(workers, this.threads, this.workerConnections);
	}

	/** Whether requests have a deadline ({@code server.timeout} is not zero). */
	public boolean hasTimeout() {
		return !this.timeout.isZero();
	}

	/** What gunicorn's "Using worker: gevent" says, with the sizes: {@code virtual (workers=1, worker-connections=1000, capacity=1000)}. */
	public String describe() {
		StringBuilder sizes = new StringBuilder("workers=").append(this.workers);
		if (this.workerClass.usesThreads()) {
			sizes.append(", threads=").append(this.threads);
		}
		if (this.workerClass.usesWorkerConnections()) {
			sizes.append(", worker-connections=").append(this.workerConnections);
		}
		sizes.append(", capacity=").append(capacity());
		return this.workerClass.canonicalName() + " (" + sizes + ")";
	}

	private static int checkRange(String property, @Nullable Integer value, int defaultValue, int min, int max) {
		if (value == null) {
			return defaultValue;
		}
		if (value < min || value > max) {
			throw new InvalidWorkerSettingException(property, value, "a whole number from " + min + " to " + max);
		}
		return value;
	}

	private static void checkNotNegative(String property, @Nullable Duration value) {
		if (value != null && value.isNegative()) {
			throw new InvalidWorkerSettingException(property, value, "a duration of zero or more, e.g. 30s");
		}
	}

}
