package dev.workerclass.webflux;

import java.util.List;

/**
 * A controller method WebFlux cannot run as written, with what stops it.
 *
 * @param method the method as {@code Controller#method(ParameterType, ...)}
 * @param problems one line per offending parameter or return type: what it is, why WebFlux
 * cannot serve it and what to use instead
 */
public record IncompatibleHandler(String method, List<String> problems) {

	public IncompatibleHandler {
		problems = List.copyOf(problems);
	}

}
