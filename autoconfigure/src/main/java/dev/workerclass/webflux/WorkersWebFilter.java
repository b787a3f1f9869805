package dev.workerclass.webflux;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.workerclass.web.UnservedProblems;
import dev.workerclass.workers.Alarm;
import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.Unserved;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.WorkerSlots;
import dev.workerclass.workers.Workers;
import dev.workerclass.workload.Sample;
import dev.workerclass.workload.Workload;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Admission for event-loop engines: each request takes a worker slot before it reaches the
 * application and gives it back when it ends, whether it completes, fails or the client goes away.
 * Requests beyond capacity wait for a slot without holding a thread, and go on, once granted, on
 * one of Reactor's parallel (non-blocking) threads; beyond the line's bound they
 * get 503 at once, and so does a request that has sent nothing by {@code server.timeout}, each with
 * a problem detail saying which. Control-plane requests pass straight through.
 */
public class WorkersWebFilter implements WebFilter, Ordered {

	private final Workers workers;

	private final OffloadWorkers offload;

	private final ControlPlane controlPlane;

	private final @Nullable Workload workload;

	/**
	 * @param workers the slots every request takes
	 * @param offload the pool blocking-style handlers are handed to, whose refusal this filter answers
	 * @param controlPlane the paths that skip the slots
	 */
	public WorkersWebFilter(Workers workers, OffloadWorkers offload, ControlPlane controlPlane) {
		this(workers, offload, controlPlane, null);
	}

	/**
	 * As {@link #WorkersWebFilter(Workers, OffloadWorkers, ControlPlane)}, measuring a sample of the requests.
	 * @param workload where sampled requests are measured (timed; the CPU share is not measured on
	 * event loops); {@code null} measures none
	 */
	public WorkersWebFilter(Workers workers, OffloadWorkers offload, ControlPlane controlPlane,
			@Nullable Workload workload) {
		this.workers = workers;
		this.offload = offload;
		this.controlPlane = controlPlane;
		this.workload = workload;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.controlPlane.matches(exchange.getRequest().getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		return Mono.defer(() -> {
			// The ticket is held here before anything downstream can run, so that however the
			// request ends (complete, error, cancel by a client that went away) doFinally frees it.
			CompletableFuture<Void> granted = new CompletableFuture<>();
			WorkerSlots.Ticket ticket = this.workers.admit(() -> granted.complete(null));
			if (ticket.isRejected()) {
				return refuse(exchange.getResponse(),
						Unserved.LineFull.of(Unserved.Pool.WORKERS, this.workers));
			}
			// A slot granted later is granted on the thread that freed it, inside that request's end: the
			// wait resumes elsewhere, or each request in line would run inside the one before it, on its
			// thread and its stack (an offload thread would run the next handler itself, and so on).
			Mono<Void> admitted = granted.isDone() ? Mono.empty()
					: Mono.fromFuture(granted, true).publishOn(Schedulers.parallel()).then();
			Mono<Void> served = admitted.then(Mono.defer(() -> chain.filter(exchange)))
				// A full offload line refuses the handler's task: the same honest 503, not WebFlux's 500.
				.onErrorResume(RejectedExecutionException.class, (ex) -> exchange.getResponse().isCommitted()
						? Mono.error(ex) : refuse(exchange.getResponse(), Unserved.OffloadRefused.by(this.offload)));
			Workload sampling = this.workload;
			Sample sample = (sampling != null && sampling.draw()) ? sampling.beginUnthreaded() : null;
			if (sample == null) {
				return withDeadline(served, exchange, ticket).doFinally((signal) -> ticket.release());
			}
			return withDeadline(served, exchange, ticket).doFinally((signal) -> {
				ticket.release();
				sample.end(route(exchange));
			});
		});
	}

	private Mono<Void> withDeadline(Mono<Void> served, ServerWebExchange exchange, WorkerSlots.Ticket ticket) {
		WorkerSettings settings = this.workers.settings();
		if (!settings.hasTimeout()) {
			return served;
		}
		// A request that has sent nothing by its deadline is cancelled (a blocking handler on the
		// offload pool is interrupted by the pool) and answered with 503. One that has started its
		// response (a stream, server-sent events) is left to finish: it is not stuck.
		AtomicBoolean timedOut = new AtomicBoolean();
		// A companion that completes empty would end the request too, so a started response gets never().
		// Timed by the workers' alarm, as every deadline is: no scheduled task per request.
		long timeout = settings.timeout().toNanos();
		Mono<Long> deadline = Mono.<Long>create((sink) -> {
			Alarm alarm = Alarm.runAt(System.nanoTime() + timeout, () -> sink.success(timeout));
			sink.onDispose(alarm::disarm);
		})
			.flatMap((tick) -> (!exchange.getResponse().isCommitted() && timedOut.compareAndSet(false, true))
					? Mono.just(tick) : Mono.never());
		return served.takeUntilOther(deadline).then(Mono.defer(() -> {
			if (!timedOut.get()) {
				return Mono.empty();
			}
			this.workers.countTimeout();
			// Before doFinally releases it: an adaptive limit backs off on a request given up.
			ticket.drop();
			ServerHttpResponse response = exchange.getResponse();
			return response.isCommitted() ? Mono.empty() : refuse(response, Unserved.TimedOut.in(this.workers));
		}));
	}

	private static Mono<Void> refuse(ServerHttpResponse response, Unserved unserved) {
		ProblemDetail problem = UnservedProblems.of(unserved);
		response.setStatusCode(HttpStatusCode.valueOf(problem.getStatus()));
		response.getHeaders().set(HttpHeaders.RETRY_AFTER, UnservedProblems.retryAfter(unserved));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		DataBuffer buffer = response.bufferFactory().wrap(UnservedProblems.toJson(problem));
		return response.writeWith(Mono.just(buffer));
	}

	/** {@code GET /owners/{id}}: the method and the pattern of the handler mapping that matched, if any did. */
	static @Nullable String route(ServerWebExchange exchange) {
		Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		if (pattern == null) {
			return null;
		}
		String text = (pattern instanceof PathPattern path) ? path.getPatternString() : pattern.toString();
		return exchange.getRequest().getMethod().name() + " " + text;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
