package dev.workerclass.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.Overload;
import dev.workerclass.workers.Workers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Where a servlet request meets the workers, first in the filter chain: the rest of the chain
 * (Spring's filters and the app's controller) runs inside {@link Workers#serve}, so on a worker
 * slot and on the class's kind of thread. Control-plane requests pass straight through; a request
 * that finds the line full gets 503 at once.
 * <p>
 * An async dispatch (the second half of a {@code Mono} or {@code DeferredResult} handler) only
 * writes a result that is ready, so it takes no slot.
 */
public class WorkersServletFilter extends OncePerRequestFilter {

	private final Workers workers;

	private final ControlPlane controlPlane;

	public WorkersServletFilter(Workers workers, ControlPlane controlPlane) {
		this.workers = workers;
		this.controlPlane = controlPlane;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		if (this.controlPlane.matches(path)) {
			chain.doFilter(request, response);
			return;
		}
		boolean served;
		try {
			served = this.workers.serve(() -> chain.doFilter(request, response));
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
		if (!served) {
			refuse(response);
		}
	}

	private void refuse(HttpServletResponse response) throws IOException {
		response.setStatus(Overload.STATUS);
		response.setHeader("Retry-After", Overload.RETRY_AFTER_SECONDS);
		response.setContentType("application/json");
		byte[] body = Overload.queueFullBody(this.workers.snapshot()).getBytes(StandardCharsets.UTF_8);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
