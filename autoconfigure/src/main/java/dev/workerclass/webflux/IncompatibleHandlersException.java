package dev.workerclass.webflux;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Start-up refused under {@code server.worker-class=reactive}: some controller methods take or
 * return types only Spring MVC on a servlet engine provides. Carries every such method, so the
 * failure report can list them all at once rather than one per restart.
 */
public class IncompatibleHandlersException extends IllegalStateException {

	private final List<IncompatibleHandler> handlers;

	public IncompatibleHandlersException(List<IncompatibleHandler> handlers) {
		super(handlers.size() + " controller method(s) cannot run on WebFlux: " + handlers.stream()
			.map((handler) -> handler.method() + " (" + String.join("; ", handler.problems()) + ")")
			.collect(Collectors.joining(", ")));
		this.handlers = List.copyOf(handlers);
	}

	/** The offending methods, sorted by name. */
	public List<IncompatibleHandler> getHandlers() {
		return this.handlers;
	}

}
