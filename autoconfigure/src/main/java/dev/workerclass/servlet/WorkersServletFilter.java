package dev.workerclass.servlet;

import java.io.IOException;
import java.util.function.Supplier;

import dev.workerclass.web.UnservedProblems;
import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.RequestPool;
import dev.workerclass.workers.Unserved;
import dev.workerclass.workers.Workers;
import dev.workerclass.workload.Sample;
import dev.workerclass.workload.Workload;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.GenericFilterBean;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Where a servlet request meets the workers, first in the filter chain: the rest of the chain
 * (Spring's filters and the app's controller) runs inside {@link Workers#serve}, so on a worker
 * slot and on the class's kind of thread; a {@code @Blocking} handler runs on the offload pool
 * instead. Control-plane requests pass straight through. A request that finds the line full, or
 * outlives {@code server.timeout}, gets 503 with a problem detail saying which (if nothing was
 * sent yet).
 * <p>
 * An async dispatch (the second half of a {@code Mono} or {@code DeferredResult} handler) only
 * writes a result that is ready, so it takes no slot.
 * <p>
 * A plain filter, not a {@code OncePerRequestFilter}: it is registered for the
 * {@code REQUEST} dispatch only, so it runs once per request anyway, and the "already filtered"
 * request attribute that class sets, builds the name of and removes on every request is pure cost.
 */
public class WorkersServletFilter extends GenericFilterBean {

	private final Workers workers;

	private final OffloadWorkers offload;

	private final ControlPlane controlPlane;

	private final BlockingHandlers blockingHandlers;

	private final @Nullable Workload workload;

	private static final Runnable NO_ACTION = () -> {
	};

	public WorkersServletFilter(Workers workers, OffloadWorkers offload, ControlPlane controlPlane,
			Supplier<@Nullable RequestMappingHandlerMapping> handlerMapping) {
		this(workers, offload, controlPlane, handlerMapping, null);
	}

	/**
	 * As {@link #WorkersServletFilter(Workers, OffloadWorkers, ControlPlane, Supplier)}, measuring
	 * a sample of the requests.
	 * @param workload where sampled requests are measured; {@code null} measures none
	 */
	public WorkersServletFilter(Workers workers, OffloadWorkers offload, ControlPlane controlPlane,
			Supplier<@Nullable RequestMappingHandlerMapping> handlerMapping, @Nullable Workload workload) {
		this.workers = workers;
		this.offload = offload;
		this.controlPlane = controlPlane;
		this.blockingHandlers = new BlockingHandlers(handlerMapping);
		this.workload = workload;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse httpResponse) {
			doFilter(http, httpResponse, chain);
		}
		else {
			chain.doFilter(request, response);
		}
	}

	private void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		if (this.controlPlane.matches(path)) {
			chain.doFilter(request, response);
			return;
		}
		RequestPool target = this.blockingHandlers.isBlocking(request) ? this.offload : this.workers;
		// One random draw per request; only a sampled one is measured, on the thread that runs it.
		Workload sampling = this.workload;
		boolean sampled = sampling != null && sampling.draw();
		if (!target.keepsDeadlines()) {
			// Nothing to seal: the handler writes to the container's response itself, with no wrapper
			// to pass every write through. The outcome is SERVED, or REJECTED with the line full.
			Workers.Handler handler = () -> chain.doFilter(request, response);
			if (serve(target, sampled ? measured(sampling, request, handler) : handler,
					NO_ACTION) == Workers.Outcome.REJECTED) {
				refuse(response, lineFull(target));
			}
			return;
		}
		SealableResponse guarded = new SealableResponse(response);
		// At the deadline the response is sealed first: nothing the handler writes after it, while
		// it still runs or once interrupted, reaches the client or the connection.
		Workers.Handler handler = () -> chain.doFilter(request, guarded);
		switch (serve(target, sampled ? measured(sampling, request, handler) : handler, guarded::seal)) {
			case REJECTED -> refuse(response, lineFull(target));
			case TIMED_OUT -> {
				guarded.seal();
				if (!response.isCommitted()) {
					response.reset();
					refuse(response, Unserved.TimedOut.in(target));
				}
			}
			case SERVED -> {
			}
		}
	}

	/**
	 * The handler, measured on the thread that runs it: its time, its CPU share, and the route
	 * Spring MVC matched. A request that went asynchronous is not measured: its time is not this thread's.
	 */
	private static Workers.Handler measured(@Nullable Workload workload, HttpServletRequest request,
			Workers.Handler handler) {
		if (workload == null) {
			return handler;
		}
		return () -> {
			Sample sample = workload.begin();
			try {
				handler.handle();
			}
			finally {
				if (request.isAsyncStarted()) {
					sample.discard();
				}
				else {
					sample.end(route(request));
				}
			}
		};
	}

	/** {@code GET /owners/{id}}: the method and the pattern of the handler mapping that matched, if any did. */
	static @Nullable String route(HttpServletRequest request) {
		Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		return (pattern != null) ? request.getMethod() + " " + pattern : null;
	}

	/** {@link RequestPool#serve}, with what it throws as a filter may throw it. */
	private static Workers.Outcome serve(RequestPool target, Workers.Handler handler, Runnable atDeadline)
			throws ServletException, IOException {
		try {
			return target.serve(handler, atDeadline);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ServletException("Interrupted while waiting for a worker", ex);
		}
		catch (Exception ex) {
			throw new ServletException(ex);
		}
	}

	private Unserved lineFull(RequestPool target) {
		return Unserved.LineFull.of((target == this.offload) ? Unserved.Pool.OFFLOAD : Unserved.Pool.WORKERS,
				target);
	}

	private static void refuse(HttpServletResponse response, Unserved unserved) throws IOException {
		ProblemDetail problem = UnservedProblems.of(unserved);
		byte[] body = UnservedProblems.toJson(problem);
		response.setStatus(problem.getStatus());
		response.setHeader(HttpHeaders.RETRY_AFTER, UnservedProblems.retryAfter(unserved));
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
