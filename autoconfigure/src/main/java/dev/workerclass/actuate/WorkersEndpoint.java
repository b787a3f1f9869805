package dev.workerclass.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.Workers;
import dev.workerclass.workers.WorkersSnapshot;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * {@code /actuator/workers}: what gunicorn operators get from {@code kill -TTIN}/{@code -TTOU} and
 * a stats socket. {@code GET} shows the workers; {@code POST} with {@code workers},
 * {@code threads} or {@code workerConnections} resizes them; {@code POST .../ttin} and
 * {@code .../ttou} add or remove one worker (or {@code by} workers). A bad request gets 400 with
 * a reason and changes nothing.
 * <p>
 * Read-only unless the user grants more: exposing {@code *} must not let any client cut the
 * capacity to one. {@code management.endpoint.workers.access=unrestricted} enables the writes.
 */
@WebEndpoint(id = "workers", defaultAccess = Access.READ_ONLY)
public class WorkersEndpoint {

	static final String TTIN = "ttin";

	static final String TTOU = "ttou";

	private final Workers workers;

	private final OffloadWorkers offload;

	private final Supplier<String> engine;

	private final WorkersDiagnostics diagnostics;

	public WorkersEndpoint(Workers workers, OffloadWorkers offload, Supplier<String> engine) {
		this(workers, offload, engine, null);
	}

	public WorkersEndpoint(Workers workers, OffloadWorkers offload, Supplier<String> engine,
			WorkersDiagnostics diagnostics) {
		this.workers = workers;
		this.offload = offload;
		this.engine = engine;
		this.diagnostics = diagnostics;
	}

	@ReadOperation
	public Map<String, Object> workers() {
		return describe(this.workers.snapshot());
	}

	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> resize(@Nullable Integer workers, @Nullable Integer threads,
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
	public WebEndpointResponse<Map<String, Object>> signal(@Selector String signal, @Nullable Integer by) {
		int step = (by != null) ? by : 1;
		if (step < 1) {
			return badRequest("by=" + step + " is not valid: expected a whole number of at least 1");
		}
		synchronized (this.workers) {
			int current = this.workers.settings().workers();
			int target;
			if (TTIN.equals(signal)) {
				target = (int) Math.min((long) current + step, Integer.MAX_VALUE);
			}
			else if (TTOU.equals(signal)) {
				// As gunicorn ignores TTOU at one worker, never go below one.
				target = Math.max(1, current - step);
			}
			else {
				return badRequest("unknown signal '" + signal + "': expected ttin or ttou");
			}
			try {
				return new WebEndpointResponse<>(describe(this.workers.resize(target, null, null)));
			}
			catch (InvalidWorkerSettingException ex) {
				return badRequest(ex);
			}
		}
	}

	private Map<String, Object> describe(WorkersSnapshot snapshot) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("workerClass", snapshot.workerClass().canonicalName());
		description.put("engine", this.engine.get());
		description.put("workers", snapshot.workers());
		if (snapshot.workerClass().usesThreads()) {
			description.put("threads", snapshot.threads());
		}
		if (snapshot.workerClass().usesWorkerConnections()) {
			description.put("workerConnections", snapshot.workerConnections());
		}
		description.put("capacity", snapshot.capacity());
		description.put("busy", snapshot.busy());
		description.put("idle", snapshot.idle());
		description.put("queued", snapshot.queued());
		description.put("maxQueued", snapshot.maxQueued());
		description.put("completed", snapshot.completed());
		description.put("rejected", snapshot.rejected());
		description.put("timedOut", snapshot.timedOut());
		description.put("timeout", this.workers.settings().timeout().toString());
		description.put("resizes", snapshot.resizes());
		description.put("maxWorkers", snapshot.maxWorkers());
		description.put("startedAt", snapshot.startedAt().toString());
		description.put("uptime", Duration.between(snapshot.startedAt(), Instant.now()).withNanos(0).toString());
		if (this.offload != null) {
			WorkersSnapshot pool = this.offload.snapshot();
			Map<String, Object> offload = new LinkedHashMap<>();
			offload.put("threads", pool.capacity());
			offload.put("busy", pool.busy());
			offload.put("queued", pool.queued());
			offload.put("completed", pool.completed());
			offload.put("rejected", pool.rejected());
			offload.put("timedOut", pool.timedOut());
			description.put("offload", offload);
		}
		if (this.diagnostics != null) {
			Map<String, Object> diagnostics = this.diagnostics.describe();
			if (!diagnostics.isEmpty()) {
				description.put("diagnostics", diagnostics);
			}
		}
		return description;
	}

	static <T> WebEndpointResponse<T> badRequest(String reason) {
		@SuppressWarnings("unchecked")
		T body = (T) Map.of("status", 400, "error", "Bad Request", "reason", reason);
		return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_BAD_REQUEST);
	}

	private static WebEndpointResponse<Map<String, Object>> badRequest(InvalidWorkerSettingException ex) {
		return badRequest(ex.getProperty() + "=" + ex.getValue() + " is not valid: expected " + ex.getExpected()
				+ "; nothing was changed");
	}

}
