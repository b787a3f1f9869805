package dev.workerclass.autoconfigure;

import dev.workerclass.webflux.IncompatibleHandler;
import dev.workerclass.webflux.IncompatibleHandlersException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports the controller methods {@code server.worker-class=reactive} cannot run, each with its
 * offending parameters and return type, and the two ways out: a servlet class, which runs them
 * unchanged, or WebFlux types.
 */
class WebFluxHandlerFailureAnalyzer extends AbstractFailureAnalyzer<IncompatibleHandlersException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, IncompatibleHandlersException cause) {
		StringBuilder description = new StringBuilder();
		int count = cause.getHandlers().size();
		description.append(count)
			.append((count == 1) ? " controller method" : " controller methods")
			.append(" cannot run on Spring WebFlux, which serves the controllers under server.worker-class=reactive:\n");
		for (IncompatibleHandler handler : cause.getHandlers()) {
			description.append("\n    ").append(handler.method()).append('\n');
			for (String problem : handler.problems()) {
				description.append("        - ").append(problem).append('\n');
			}
		}
		description.append("\nThe servlet worker classes (server.worker-class=sync, thread or virtual) run Spring MVC,"
				+ " which serves the Spring MVC and Servlet API types above unchanged.");
		String action = "Either set server.worker-class to sync, thread or virtual (with spring-boot-starter-web on"
				+ " the class path), or rewrite the methods above with WebFlux types: Model instead of ModelMap,"
				+ " a view name String with a Model parameter (or Rendering) instead of ModelAndView, a \"redirect:...\" view name (or"
				+ " Rendering.redirectTo(...)) instead of RedirectAttributes, ServerWebExchange and WebSession instead"
				+ " of the servlet request, response and session, @RequestPart FilePart instead of MultipartFile, and"
				+ " Mono or Flux instead of DeferredResult, Callable, SseEmitter and StreamingResponseBody.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

}
