package dev.workerclass.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.workerclass.offload.OffloadMode;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.WorkerClass;
import dev.workerclass.workers.WorkerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * gunicorn's flags as Spring Boot properties under {@code server.}. Values are kept as given
 * (nullable, the class as text) so that defaults depend on the class and a bad value is reported
 * by name; {@link #toSettings} validates them.
 */
@ConfigurationProperties(prefix = "server")
public class WorkerClassProperties {

	/**
	 * How the server handles concurrent requests (gunicorn -k): sync, thread, virtual or reactive,
	 * or an alias: gthread, threads (thread); async, gevent, eventlet, green (virtual); tornado,
	 * aiohttp, gaiohttp, asyncio, event-loop (reactive). Case-insensitive. Unset: a servlet app
	 * runs as in plain Spring Boot (the container's own threads, or virtual threads with
	 * spring.threads.virtual.enabled), reported but not managed; a reactive app runs reactive.
	 */
	private @Nullable String workerClass;

	/**
	 * The engine that serves requests. For the reactive class: netty (Reactor Netty, the default)
	 * or undertow (undertow-core's XNIO I/O threads, which must be on the class path). For the
	 * servlet classes it may only name the servlet container on the class path (tomcat or jetty).
	 */
	private @Nullable String engine;

	/**
	 * Worker units (gunicorn -w). Default: 2 x cores + 1 for sync, 1 for thread and virtual, cores
	 * for reactive (the number of event loops).
	 */
	private @Nullable Integer workers;

	/** Threads per worker for the thread class (gunicorn --threads). Default: 200. */
	private @Nullable Integer threads;

	/**
	 * Requests in flight per worker for the virtual and reactive classes (gunicorn
	 * --worker-connections). Default: 1000.
	 */
	private @Nullable Integer workerConnections;

	/** TCP accept backlog (gunicorn --backlog). Default: 2048 as gunicorn's, or the engine's own or the kernel's somaxconn where higher. */
	private @Nullable Integer backlog;

	/** How long an idle keep-alive connection stays open (gunicorn --keep-alive). Default: the engine's own. */
	private @Nullable Duration keepAlive;

	/**
	 * How long shutdown waits for requests in flight (gunicorn --graceful-timeout); sets
	 * spring.lifecycle.timeout-per-shutdown-phase unless that is set. Default: Spring Boot's 30s.
	 */
	private @Nullable Duration gracefulTimeout;

	/**
	 * The most workers a runtime resize (the workers endpoint, ttin) may set. Default: 4 x
	 * server.workers, and at least 16.
	 */
	private @Nullable Integer maxWorkers;

	/**
	 * Requests allowed to wait for a free worker; beyond it a request gets 503 with Retry-After at
	 * once. Default: 10 x the capacity, and at least 100.
	 */
	private @Nullable Integer maxQueued;

	/**
	 * Per-request deadline (gunicorn --timeout, but a real request deadline): a request still
	 * waiting or running past it gets 503 if nothing was sent yet, and its handler thread is
	 * interrupted. 0 disables it. Default: 30s.
	 */
	private @Nullable Duration timeout;

	/**
	 * Platform threads of the offload pool, where @Blocking handlers run (and, under reactive,
	 * every blocking-style handler). Default: 200.
	 */
	private @Nullable Integer offloadThreads;

	/**
	 * Which blocking-style handlers (those returning a plain value) leave the event loop under
	 * reactive: always, every one runs on the offload pool; auto, each starts there and runs on the
	 * loop once measured not to wait, back on the pool for good if it ever blocks a loop. Default:
	 * always.
	 */
	private @Nullable String offload;

	/** What the starter watches for: blocked carriers under virtual, blocked event loops under reactive. */
	private final Diagnostics diagnostics = new Diagnostics();

	/**
	 * Validates the values and applies the defaults of the chosen class.
	 * @param defaultClass the class when {@code server.worker-class} is not set
	 */
	public WorkerSettings toSettings(int cores, WorkerClass defaultClass) {
		String className = (this.workerClass != null) ? this.workerClass : defaultClass.canonicalName();
		return WorkerSettings.builder()
			.workerClass(className)
			.workers(this.workers)
			.threads(this.threads)
			.workerConnections(this.workerConnections)
			.backlog(this.backlog)
			.keepAlive(this.keepAlive)
			.gracefulTimeout(this.gracefulTimeout)
			.maxWorkers(this.maxWorkers)
			.maxQueued(this.maxQueued)
			.timeout(this.timeout)
			.offloadThreads(this.offloadThreads)
			.resolve(cores);
	}

	/**
	 * The sizing and limit properties that were set, as {@code server.name=value}: they shape a
	 * class the starter runs, so without {@code server.worker-class} they have nothing to apply to.
	 */
	List<String> managedSettingsGiven() {
		Map<String, @Nullable Object> given = new LinkedHashMap<>();
		given.put("server.workers", this.workers);
		given.put("server.threads", this.threads);
		given.put("server.worker-connections", this.workerConnections);
		given.put("server.backlog", this.backlog);
		given.put("server.keep-alive", this.keepAlive);
		given.put("server.max-workers", this.maxWorkers);
		given.put("server.max-queued", this.maxQueued);
		given.put("server.timeout", this.timeout);
		given.put("server.offload", this.offload);
		List<String> set = new ArrayList<>();
		given.forEach((name, value) -> {
			if (value instanceof Duration duration) {
				set.add(name + "=" + duration.toMillis() + "ms");
			}
			else if (value != null) {
				set.add(name + "=" + value);
			}
		});
		return set;
	}

	public @Nullable String getEngine() {
		return this.engine;
	}

	public void setEngine(@Nullable String engine) {
		this.engine = engine;
	}

	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(@Nullable Duration timeout) {
		this.timeout = timeout;
	}

	public @Nullable String getOffload() {
		return this.offload;
	}

	public void setOffload(@Nullable String offload) {
		this.offload = offload;
	}

	/**
	 * The offload mode set.
	 * @throws InvalidWorkerSettingException for a value other than always or auto
	 */
	public OffloadMode offloadMode() {
		return OffloadMode.of(this.offload);
	}

	public @Nullable Integer getOffloadThreads() {
		return this.offloadThreads;
	}

	public void setOffloadThreads(@Nullable Integer offloadThreads) {
		this.offloadThreads = offloadThreads;
	}

	public Diagnostics getDiagnostics() {
		return this.diagnostics;
	}

	public @Nullable Integer getMaxWorkers() {
		return this.maxWorkers;
	}

	public void setMaxWorkers(@Nullable Integer maxWorkers) {
		this.maxWorkers = maxWorkers;
	}

	public @Nullable Integer getMaxQueued() {
		return this.maxQueued;
	}

	public void setMaxQueued(@Nullable Integer maxQueued) {
		this.maxQueued = maxQueued;
	}

	public @Nullable String getWorkerClass() {
		return this.workerClass;
	}

	public void setWorkerClass(@Nullable String workerClass) {
		this.workerClass = workerClass;
	}

	public @Nullable Integer getWorkers() {
		return this.workers;
	}

	public void setWorkers(@Nullable Integer workers) {
		this.workers = workers;
	}

	public @Nullable Integer getThreads() {
		return this.threads;
	}

	public void setThreads(@Nullable Integer threads) {
		this.threads = threads;
	}

	public @Nullable Integer getWorkerConnections() {
		return this.workerConnections;
	}

	public void setWorkerConnections(@Nullable Integer workerConnections) {
		this.workerConnections = workerConnections;
	}

	public @Nullable Integer getBacklog() {
		return this.backlog;
	}

	public void setBacklog(@Nullable Integer backlog) {
		this.backlog = backlog;
	}

	public @Nullable Duration getKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(@Nullable Duration keepAlive) {
		this.keepAlive = keepAlive;
	}

	public @Nullable Duration getGracefulTimeout() {
		return this.gracefulTimeout;
	}

	public void setGracefulTimeout(@Nullable Duration gracefulTimeout) {
		this.gracefulTimeout = gracefulTimeout;
	}

	/**
	 * {@code server.diagnostics.*}: watches, in production, for handlers that block what they must
	 * not (a virtual thread's carrier, an event loop), as a C extension blocks a gevent worker.
	 */
	public static class Diagnostics {

		/** Whether to watch for blocked carriers (virtual) and blocked event loops (reactive). */
		private boolean enabled = true;

		/**
		 * How late a probe virtual thread may start before every carrier counts as blocked
		 * (virtual). The stacks of virtual threads seen in native code then are reported.
		 */
		private Duration carrierLagThreshold = Duration.ofMillis(100);

		/** How long an event loop may run one task before it counts as blocked and its stack is reported (reactive). */
		private Duration blockedLoopThreshold = Duration.ofMillis(500);

		/** @throws InvalidWorkerSettingException for a threshold of zero or less */
		public void validate() {
			checkPositive("server.diagnostics.carrier-lag-threshold", this.carrierLagThreshold);
			checkPositive("server.diagnostics.blocked-loop-threshold", this.blockedLoopThreshold);
		}

		private static void checkPositive(String property, @Nullable Duration value) {
			if (value == null || value.isZero() || value.isNegative()) {
				throw new InvalidWorkerSettingException(property, value, "a positive duration, e.g. 100ms");
			}
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getCarrierLagThreshold() {
			return this.carrierLagThreshold;
		}

		public void setCarrierLagThreshold(Duration carrierLagThreshold) {
			this.carrierLagThreshold = carrierLagThreshold;
		}

		public Duration getBlockedLoopThreshold() {
			return this.blockedLoopThreshold;
		}

		public void setBlockedLoopThreshold(Duration blockedLoopThreshold) {
			this.blockedLoopThreshold = blockedLoopThreshold;
		}

	}

}
