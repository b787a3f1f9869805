package dev.workerclass.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import dev.workerclass.autoscale.AutoscaleReport;
import dev.workerclass.autoscale.Autoscaler;
import dev.workerclass.autoscale.Decision;
import dev.workerclass.diagnostics.EventLoopReport;
import dev.workerclass.diagnostics.Finding;
import dev.workerclass.diagnostics.VirtualThreadReport;
import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.limit.AdaptiveLimit;
import dev.workerclass.limit.LimitReport;
import dev.workerclass.offload.AutoOffload;
import dev.workerclass.offload.OffloadMode;
import dev.workerclass.offload.OffloadRoute;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.Workers;
import dev.workerclass.workers.WorkersSnapshot;
import dev.workerclass.workload.Advice;
import dev.workerclass.workload.PoolReport;
import dev.workerclass.workload.RouteReport;
import dev.workerclass.workload.WorkloadAdvice;
import dev.workerclass.workload.WorkloadReport;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * {@code /actuator/workers}: what gunicorn operators get from {@code kill -TTIN}/{@code -TTOU} and
 * a stats socket. {@code GET} shows the workers; {@code POST} with {@code workers},
 * {@code threads} or {@code workerConnections} resizes them; {@code POST .../ttin} and
 * {@code .../ttou} add or remove one worker (or {@code by} workers). Every answer that succeeds is
 * a {@link WorkersDescriptor}, one schema whatever the class; a bad request gets 400 with a
 * problem detail that says why, and changes nothing.
 * <p>
 * Read-only unless the user grants more: exposing {@code *} must not let any client cut the
 * capacity to one. {@code management.endpoint.workers.access=unrestricted} enables the writes.
 */
@WebEndpoint(id = "workers", defaultAccess = Access.READ_ONLY)
public class WorkersEndpoint {

	private final Workers workers;

	private final Optional<OffloadWorkers> offload;

	private final Supplier<String> engine;

	private final Optional<WorkersDiagnostics> diagnostics;

	private final Optional<AdaptiveLimit> limit;

	private final Optional<Autoscaler> autoscaler;

	private final Optional<WorkloadAdvice> workload;

	private final Optional<AutoOffload> autoOffload;

	/**
	 * @param workers the workers shown and resized
	 * @param offload the offload pool, shown under {@code offload} (null there without one)
	 * @param engine the engine's name, asked at each call: the server exists only once started
	 * @param diagnostics what the diagnostics saw, shown under {@code diagnostics} (null there
	 * when nothing is watched)
	 */
	public WorkersEndpoint(Workers workers, Optional<OffloadWorkers> offload, Supplier<String> engine,
			Optional<WorkersDiagnostics> diagnostics) {
		this(workers, offload, engine, diagnostics, Optional.empty(), Optional.empty());
	}

	/**
	 * As {@link #WorkersEndpoint(Workers, Optional, Supplier, Optional)}, with what makes the
	 * capacity follow load.
	 * @param limit the adaptive concurrency limit, shown under {@code limit} (null there without one)
	 * @param autoscaler the autoscaler, shown under {@code autoscale} (null there when it is off)
	 */
	public WorkersEndpoint(Workers workers, Optional<OffloadWorkers> offload, Supplier<String> engine,
			Optional<WorkersDiagnostics> diagnostics, Optional<AdaptiveLimit> limit, Optional<Autoscaler> autoscaler) {
		this(workers, offload, engine, diagnostics, limit, autoscaler, Optional.empty());
	}

	/**
	 * As {@link #WorkersEndpoint(Workers, Optional, Supplier, Optional, Optional, Optional)}, with
	 * the workload measurement that {@code GET .../advice} reads.
	 * @param workload the measured workload and its advice; without it {@code advice} answers 404
	 */
	public WorkersEndpoint(Workers workers, Optional<OffloadWorkers> offload, Supplier<String> engine,
			Optional<WorkersDiagnostics> diagnostics, Optional<AdaptiveLimit> limit, Optional<Autoscaler> autoscaler,
			Optional<WorkloadAdvice> workload) {
		this(workers, offload, engine, diagnostics, limit, autoscaler, workload, Optional.empty());
	}

	/**
	 * As {@link #WorkersEndpoint(Workers, Optional, Supplier, Optional, Optional, Optional, Optional)},
	 * with where {@code server.offload=auto} runs each blocking-style handler, which
	 * {@code GET .../offload} reads.
	 * @param autoOffload the automatic offload; without it {@code offload} says every such handler
	 * is offloaded
	 */
	public WorkersEndpoint(Workers workers, Optional<OffloadWorkers> offload, Supplier<String> engine,
			Optional<WorkersDiagnostics> diagnostics, Optional<AdaptiveLimit> limit, Optional<Autoscaler> autoscaler,
			Optional<WorkloadAdvice> workload, Optional<AutoOffload> autoOffload) {
		this.autoOffload = autoOffload;
		this.workload = workload;
		this.workers = workers;
		this.offload = offload;
		this.engine = engine;
		this.diagnostics = diagnostics;
		this.limit = limit;
		this.autoscaler = autoscaler;
	}

	@ReadOperation
	public WorkersDescriptor workers() {
		return describe(this.workers.snapshot());
	}

	/**
	 * {@code GET /actuator/workers/advice}: the routes measured and the worker class that fits
	 * them. {@code GET /actuator/workers/offload}: where each blocking-style handler runs. Any
	 * other name is 404.
	 */
	@ReadOperation
	public WebEndpointResponse<?> read(@Selector String name) {
		if ("offload".equals(name)) {
			return offloadRoutes();
		}
		if (!"advice".equals(name)) {
			return notFound("unknown part '" + name + "' of the workers endpoint: expected advice or offload");
		}
		if (this.workload.isEmpty()) {
			return notFound("the workload is not measured (server.workload.enabled=false), so there is no advice");
		}
		WorkloadAdvice measured = this.workload.get();
		WorkloadReport report = measured.report();
		return new WebEndpointResponse<>(AdviceDescriptor.of(measured.advice(report), report));
	}

	private WebEndpointResponse<?> offloadRoutes() {
		if (this.offload.isEmpty()) {
			return notFound("there is no offload pool in this application");
		}
		if (this.autoOffload.isEmpty()) {
			return new WebEndpointResponse<>(new OffloadRoutesDescriptor(OffloadMode.ALWAYS.value(), null, List.of()));
		}
		AutoOffload auto = this.autoOffload.get();
		return new WebEndpointResponse<>(new OffloadRoutesDescriptor(OffloadMode.AUTO.value(), auto.learningCalls(),
				auto.report()));
	}

	@WriteOperation
	public WebEndpointResponse<?> resize(@Nullable Integer workers, @Nullable Integer threads,
			@Nullable Integer workerConnections) {
		if (workers == null && threads == null && workerConnections == null) {
			return badRequest("give at least one of workers, threads, workerConnections, e.g. {\"workers\": 4}");
		}
		try {
			return new WebEndpointResponse<>(describe(this.workers.resize(workers, threads, workerConnections)));
		}
		catch (InvalidWorkerSettingException ex) {
			return badRequest(ex);
		}
	}

	@WriteOperation
	public WebEndpointResponse<?> signal(@Selector String signal, @Nullable Integer by) {
		int step = (by != null) ? by : 1;
		if (step < 1) {
			return badRequest("by=" + step + " is not valid: expected a whole number of at least 1");
		}
		Signal known = Signal.named(signal);
		if (known == null) {
			return badRequest("unknown signal '" + signal + "': expected ttin or ttou");
		}
		synchronized (this.workers) {
			int current = this.workers.settings().workers();
			try {
				return new WebEndpointResponse<>(describe(this.workers.resize(known.target(current, step), null, null)));
			}
			catch (InvalidWorkerSettingException ex) {
				return badRequest(ex);
			}
		}
	}

	private WorkersDescriptor describe(WorkersSnapshot snapshot) {
		return new WorkersDescriptor(snapshot.workerClass().canonicalName(), this.engine.get(), snapshot.workers(),
				snapshot.workerClass().usesThreads() ? snapshot.threads() : null,
				snapshot.workerClass().usesWorkerConnections() ? snapshot.workerConnections() : null,
				snapshot.capacity(), snapshot.busy(), snapshot.idle(), snapshot.queued(), snapshot.maxQueued(),
				snapshot.completed(), snapshot.rejected(), snapshot.timedOut(),
				this.workers.settings().timeout().toString(), snapshot.resizes(), snapshot.maxWorkers(),
				snapshot.startedAt().toString(),
				Duration.between(snapshot.startedAt(), Instant.now()).withNanos(0).toString(),
				this.offload.map((pool) -> OffloadDescriptor.of(pool.snapshot())).orElse(null),
				this.diagnostics.flatMap(DiagnosticsDescriptor::of).orElse(null),
				this.limit.map((adaptive) -> LimitDescriptor.of(adaptive.report())).orElse(null),
				this.autoscaler.map((scaler) -> AutoscaleDescriptor.of(scaler.report())).orElse(null));
	}

	/** A 400 whose problem detail says what was wrong and what would be accepted. */
	static WebEndpointResponse<ProblemDetail> badRequest(String reason) {
		return new WebEndpointResponse<>(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, reason),
				WebEndpointResponse.STATUS_BAD_REQUEST, MediaType.APPLICATION_PROBLEM_JSON);
	}

	private static WebEndpointResponse<ProblemDetail> notFound(String reason) {
		return new WebEndpointResponse<>(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, reason),
				WebEndpointResponse.STATUS_NOT_FOUND, MediaType.APPLICATION_PROBLEM_JSON);
	}

	private static WebEndpointResponse<ProblemDetail> badRequest(InvalidWorkerSettingException ex) {
		return badRequest(ex.getProperty() + "=" + ex.getValue() + " is not valid: expected " + ex.getExpected()
				+ "; nothing was changed");
	}

	private static String millis(Duration duration) {
		return duration.toMillis() + "ms";
	}

	/** gunicorn's signals to the arbiter, by the lower-case names the path takes. */
	private enum Signal {

		/** One worker more (or {@code by} more). */
		TTIN,

		/** One worker fewer (or {@code by} fewer), never below one, as gunicorn ignores TTOU at one worker. */
		TTOU;

		static @Nullable Signal named(String name) {
			for (Signal signal : values()) {
				if (signal.name().toLowerCase(Locale.ROOT).equals(name)) {
					return signal;
				}
			}
			return null;
		}

		int target(int current, int step) {
			return (this == TTIN) ? (int) Math.min((long) current + step, Integer.MAX_VALUE)
					: Math.max(1, current - step);
		}

	}

	/**
	 * The workers as {@code GET} and every successful {@code POST} show them. Every field is
	 * always written, {@code null} where it does not apply, so that clients and exporters see one
	 * schema whatever the class.
	 *
	 * @param workerClass the canonical class name: {@code sync}, {@code thread}, {@code virtual}
	 * or {@code reactive}
	 * @param engine the web server running the class: {@code tomcat}, {@code jetty},
	 * {@code netty} or {@code undertow}
	 * @param workers worker units now
	 * @param threads threads per worker; {@code null} but under {@code thread}
	 * @param workerConnections requests in flight per worker; {@code null} but under
	 * {@code virtual} and {@code reactive}
	 * @param capacity requests served at once
	 * @param busy requests holding a slot
	 * @param idle free slots, never below zero
	 * @param queued requests waiting for a slot
	 * @param maxQueued the most requests that may wait
	 * @param completed requests that held a slot and ended, since start
	 * @param rejected requests answered 503 because the line was full, since start
	 * @param timedOut requests given up at {@code server.timeout}, since start
	 * @param timeout {@code server.timeout} as an ISO-8601 duration; {@code PT0S} for none
	 * @param resizes successful resizes since start
	 * @param maxWorkers the most workers a resize may set
	 * @param startedAt when the workers were created, an ISO-8601 instant
	 * @param uptime time since then, an ISO-8601 duration in whole seconds
	 * @param offload the offload pool; {@code null} when there is none
	 * @param diagnostics what blocked carriers or event loops; {@code null} when nothing is
	 * watched (the platform-thread classes, or diagnostics off)
	 * @param limit the adaptive concurrency limit; {@code null} when the capacity is the limit
	 * ({@code server.concurrency-limit.algorithm=fixed})
	 * @param autoscale the autoscaler; {@code null} when it is off ({@code server.autoscale.enabled=false})
	 */
	@JsonInclude(Include.ALWAYS)
	public record WorkersDescriptor(String workerClass, String engine, int workers, @Nullable Integer threads,
			@Nullable Integer workerConnections, int capacity, int busy, int idle, int queued, int maxQueued,
			long completed, long rejected, long timedOut, String timeout, long resizes, int maxWorkers,
			String startedAt, String uptime, @Nullable OffloadDescriptor offload,
			@Nullable DiagnosticsDescriptor diagnostics, @Nullable LimitDescriptor limit,
			@Nullable AutoscaleDescriptor autoscale) implements OperationResponseBody {

	}

	/**
	 * The autoscaler, which grows and shrinks the workers with their load.
	 *
	 * @param enabled whether it is running; {@code false} once it stopped for good (see {@code stopped})
	 * @param minWorkers the fewest workers it shrinks to ({@code server.autoscale.min-workers})
	 * @param maxWorkers the most it grows to ({@code server.max-workers})
	 * @param decisions resizes it made since start
	 * @param last its latest decision; {@code null} before the first
	 * @param stopped why it stopped for good; {@code null} while it runs
	 */
	@JsonInclude(Include.ALWAYS)
	public record AutoscaleDescriptor(boolean enabled, int minWorkers, int maxWorkers, long decisions,
			@Nullable DecisionDescriptor last, @Nullable String stopped) {

		static AutoscaleDescriptor of(AutoscaleReport report) {
			Decision last = report.last();
			return new AutoscaleDescriptor(report.enabled(), report.minWorkers(), report.maxWorkers(),
					report.decisions(), (last != null) ? DecisionDescriptor.of(last) : null, report.stopped());
		}

	}

	/**
	 * One decision of the autoscaler.
	 *
	 * @param at when it was made, an ISO-8601 instant
	 * @param direction {@code up} or {@code down}
	 * @param from workers before
	 * @param to workers after
	 * @param reason what the load was, as the log line says it
	 */
	@JsonInclude(Include.ALWAYS)
	public record DecisionDescriptor(@Nullable String at, String direction, int from, int to, String reason) {

		static DecisionDescriptor of(Decision decision) {
			Instant at = decision.at();
			return new DecisionDescriptor((at != null) ? at.toString() : null,
					decision.direction().name().toLowerCase(Locale.ROOT), decision.from(), decision.to(),
					decision.reason());
		}

	}

	/**
	 * The adaptive concurrency limit: how many requests are admitted at once, found from their
	 * measured latency.
	 *
	 * @param algorithm {@code aimd}, {@code gradient} or {@code vegas}
	 * @param current requests admitted at once now; never above {@code capacity}
	 * @param min the least it may fall to
	 * @param max the most it may rise to
	 * @param changes times it changed since start
	 * @param lineBound requests that may wait now: the limit, unless {@code server.max-queued} is set
	 */
	@JsonInclude(Include.ALWAYS)
	public record LimitDescriptor(String algorithm, int current, int min, int max, long changes, int lineBound) {

		static LimitDescriptor of(LimitReport report) {
			return new LimitDescriptor(report.algorithm(), report.current(), report.min(), report.max(),
					report.changes(), report.lineBound());
		}

	}

	/**
	 * The offload pool, where {@code @Blocking} handlers (and, under {@code reactive}, every
	 * blocking-style handler) run.
	 *
	 * @param threads threads in the pool
	 * @param busy offload slots held
	 * @param queued tasks waiting for a thread
	 * @param completed offloaded handlers that ended, since start
	 * @param rejected tasks refused because the pool's line was full, since start
	 * @param timedOut offloaded handlers given up or interrupted at {@code server.timeout}
	 */
	@JsonInclude(Include.ALWAYS)
	public record OffloadDescriptor(int threads, int busy, int queued, long completed, long rejected,
			long timedOut) {

		static OffloadDescriptor of(WorkersSnapshot pool) {
			return new OffloadDescriptor(pool.capacity(), pool.busy(), pool.queued(), pool.completed(),
					pool.rejected(), pool.timedOut());
		}

	}

	/**
	 * {@code GET /actuator/workers/offload}: where blocking-style handlers (those that return a
	 * plain value) run under {@code reactive}.
	 *
	 * @param mode {@code always}: every such handler runs on the offload pool, and {@code routes}
	 * is empty; {@code auto}: each runs where it was measured to belong
	 * @param learningCalls calls measured before a handler is decided ({@code auto}); {@code null} under {@code always}
	 * @param routes each handler called so far, with where it runs and why
	 */
	@JsonInclude(Include.ALWAYS)
	public record OffloadRoutesDescriptor(String mode, @Nullable Integer learningCalls, List<OffloadRoute> routes)
			implements OperationResponseBody {

	}

	/**
	 * What the diagnostics saw: blocked carriers under {@code virtual}, blocked event loops under
	 * {@code reactive}. The fields of the watch that does not run are {@code null}. Durations are
	 * whole milliseconds, as in {@code "247ms"}.
	 *
	 * @param pinned virtual threads that parked while pinned (virtual)
	 * @param carrierStarvation episodes in which every carrier was busy or blocked (virtual)
	 * @param nativeCalls starvation episodes explained by a native call (virtual)
	 * @param maxCarrierLag the longest probe lag (virtual)
	 * @param lastCarrierLag the latest probe lag (virtual)
	 * @param loops event loops probed (reactive)
	 * @param blockedLoops times a loop ran one task past the threshold (reactive)
	 * @param maxLoopLag the longest probe wait on any loop (reactive)
	 * @param lastLoopLag the latest probe wait of each loop (reactive)
	 * @param top the findings seen most often
	 */
	@JsonInclude(Include.ALWAYS)
	public record DiagnosticsDescriptor(@Nullable Long pinned, @Nullable Long carrierStarvation,
			@Nullable Long nativeCalls, @Nullable String maxCarrierLag, @Nullable String lastCarrierLag,
			@Nullable Integer loops, @Nullable Long blockedLoops, @Nullable String maxLoopLag,
			@Nullable List<String> lastLoopLag, List<FindingDescriptor> top) {

		static Optional<DiagnosticsDescriptor> of(WorkersDiagnostics diagnostics) {
			Optional<VirtualThreadReport> carriers = diagnostics.virtualThreadReport();
			Optional<EventLoopReport> loops = diagnostics.eventLoopReport();
			if (carriers.isEmpty() && loops.isEmpty()) {
				return Optional.empty();
			}
			List<FindingDescriptor> top = new ArrayList<>();
			carriers.ifPresent((report) -> report.top().forEach((finding) -> top.add(FindingDescriptor.of(finding))));
			loops.ifPresent((report) -> report.top().forEach((finding) -> top.add(FindingDescriptor.of(finding))));
			return Optional.of(new DiagnosticsDescriptor(carriers.map(VirtualThreadReport::pinnedEvents).orElse(null),
					carriers.map(VirtualThreadReport::starvationEvents).orElse(null),
					carriers.map(VirtualThreadReport::nativeCallFindings).orElse(null),
					carriers.map((report) -> millis(report.maxLag())).orElse(null),
					carriers.map((report) -> millis(report.lastLag())).orElse(null),
					loops.map(EventLoopReport::loops).orElse(null), loops.map(EventLoopReport::blockedEvents).orElse(null),
					loops.map((report) -> millis(report.maxLag())).orElse(null),
					loops.map((report) -> report.lastLagPerLoop().stream().map(WorkersEndpoint::millis).toList())
						.orElse(null),
					List.copyOf(top)));
		}

	}

	/**
	 * One distinct problem the diagnostics saw: one kind of stall at one stack.
	 *
	 * @param kind {@code pinned}, {@code native-call}, {@code carrier-starvation} or
	 * {@code blocked-loop}
	 * @param summary what happened and where, for its longest occurrence
	 * @param count occurrences since start
	 * @param longest the longest occurrence
	 * @param lastSeen when it was last seen, an ISO-8601 instant
	 * @param stack the top frames, innermost first; empty when no stack explains it
	 */
	@JsonInclude(Include.ALWAYS)
	public record FindingDescriptor(String kind, String summary, long count, String longest, String lastSeen,
			List<String> stack) {

		static FindingDescriptor of(Finding finding) {
			return new FindingDescriptor(finding.kind().value(), finding.summary(), finding.count(),
					millis(finding.longest()), finding.lastSeen().toString(), finding.stack());
		}

	}

	/**
	 * {@code GET /actuator/workers/advice}: the worker class that fits what was measured, and the
	 * measurement.
	 *
	 * @param verdict {@code io-bound}, {@code cpu-bound}, {@code unsure} or {@code not-enough}
	 * @param workerClass the class that fits; {@code null} before enough samples
	 * @param properties the settings that say it, as {@code "server.worker-class": "virtual"};
	 * empty before enough samples
	 * @param why one sentence with the numbers it follows from
	 * @param limits what limits the server that is not the workers
	 * @param workload what was measured
	 */
	@JsonInclude(Include.ALWAYS)
	public record AdviceDescriptor(String verdict, @Nullable String workerClass, Map<String, String> properties,
			String why, List<AdviceLimitDescriptor> limits, WorkloadDescriptor workload)
			implements OperationResponseBody {

		static AdviceDescriptor of(Advice advice, WorkloadReport report) {
			return new AdviceDescriptor(advice.verdict().value(), advice.workerClass(), advice.properties(),
					advice.why(),
					advice.limits()
						.stream()
						.map((limit) -> new AdviceLimitDescriptor(limit.kind(), limit.name(), limit.why()))
						.toList(),
					WorkloadDescriptor.of(report));
		}

	}

	/**
	 * A limit that is not the workers.
	 *
	 * @param kind {@code jdbc-pool}, {@code offload-pool}, {@code native-calls} or {@code blocked-loops}
	 * @param name the pool's name, or {@code carriers}, {@code event-loops}
	 * @param why what was seen and what to change
	 */
	@JsonInclude(Include.ALWAYS)
	public record AdviceLimitDescriptor(String kind, String name, String why) {

	}

	/**
	 * What the workload measurement saw since start. Shares are fractions of 1, rounded to 3 places.
	 *
	 * @param since when the measurement started, an ISO-8601 instant
	 * @param sampleEvery one request in this many is measured
	 * @param sampled requests measured
	 * @param cpuShare the share of the sampled requests' time on CPU, every route together;
	 * {@code null} when not measured
	 * @param waitingShare the share spent waiting; {@code null} when not measured
	 * @param inFlightMean requests in flight on average while any was
	 * @param inFlightPeak the most in flight at one look of the sampler
	 * @param coresBusy the share of the cores the process used while requests were in flight
	 * @param machineBusy the share of the cores every process used then; at 0.85 or more the cores
	 * count as full, and a platform thread RUNNABLE off CPU as waiting for one
	 * @param cores the cores the JVM sees
	 * @param routes per route, the one that took the most time first
	 * @param pools the pools in front of the work (JDBC, offload)
	 */
	@JsonInclude(Include.ALWAYS)
	public record WorkloadDescriptor(String since, int sampleEvery, long sampled, @Nullable Double cpuShare,
			@Nullable Double waitingShare, double inFlightMean, int inFlightPeak, @Nullable Double coresBusy,
			@Nullable Double machineBusy, int cores, List<RouteDescriptor> routes, List<PoolDescriptor> pools) {

		static WorkloadDescriptor of(WorkloadReport report) {
			return new WorkloadDescriptor(report.since().toString(), report.sampleEvery(), report.sampled(),
					round(report.cpuShare()), round(report.waitingShare()), round(report.inFlightMean()),
					report.inFlightPeak(), round(report.coresBusy()), round(report.machineBusy()), report.cores(),
					report.routes().stream().map(RouteDescriptor::of).toList(),
					report.pools().stream().map(PoolDescriptor::of).toList());
		}

	}

	/**
	 * One route's sampled requests.
	 *
	 * @param route the method and the handler mapping's pattern, as {@code GET /owners/{id}}
	 * @param sampled requests measured
	 * @param requests requests estimated: {@code sampled × sampleEvery}
	 * @param meanMs their mean time in milliseconds
	 * @param p99Ms the time 99% took at most, in milliseconds (within about 5%)
	 * @param cpuShare the share of their time on CPU (or runnable); {@code null} when not measured
	 * @param waitingShare the share waiting; {@code null} when not measured
	 * @param measuredBy {@code cpu-time}, {@code thread-states}, {@code mixed} or {@code none}
	 */
	@JsonInclude(Include.ALWAYS)
	public record RouteDescriptor(String route, long sampled, long requests, double meanMs, double p99Ms,
			@Nullable Double cpuShare, @Nullable Double waitingShare, String measuredBy) {

		static RouteDescriptor of(RouteReport report) {
			return new RouteDescriptor(report.route(), report.sampled(), report.requests(),
					round(report.mean().toNanos() / 1e6), round(report.p99().toNanos() / 1e6),
					round(report.cpuShare()), round(report.waitingShare()), report.measuredBy());
		}

	}

	/**
	 * One pool in front of the work, as the sampler saw it while requests were in flight.
	 *
	 * @param kind {@code jdbc} or {@code offload}
	 * @param name the pool's name
	 * @param size connections or threads at most
	 * @param peakBusy the most in use at one look
	 * @param waitingShare the share of looks at which something waited for it
	 * @param waitingWhileWorkersIdleShare the same, at looks at which workers were idle too
	 * @param meanWaiting waiting on average
	 * @param peakWaiting the most waiting at one look
	 */
	@JsonInclude(Include.ALWAYS)
	public record PoolDescriptor(String kind, String name, int size, int peakBusy, double waitingShare,
			double waitingWhileWorkersIdleShare, double meanWaiting, int peakWaiting) {

		static PoolDescriptor of(PoolReport pool) {
			return new PoolDescriptor(pool.kind(), pool.name(), pool.size(), pool.peakBusy(),
					round(pool.waitingShare()), round(pool.waitingWhileWorkersIdleShare()), round(pool.meanWaiting()),
					pool.peakWaiting());
		}

	}

	private static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

	private static @Nullable Double round(@Nullable Double value) {
		return (value != null) ? round(value.doubleValue()) : null;
	}

}
