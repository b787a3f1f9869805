package dev.workerclass.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.workerclass.Blocking;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Tells the filter, before Spring MVC runs, whether a request goes to a {@link Blocking} handler.
 * Looks the handler up only for a path that a {@code @Blocking} handler's pattern matches, so an
 * application without such handlers, and every request to other paths, pays next to nothing.
 */
class BlockingHandlers {

	private final Supplier<RequestMappingHandlerMapping> mapping;

	private final Map<HandlerMethod, Boolean> blocking = new ConcurrentHashMap<>();

	// The path patterns of @Blocking handlers; null until scanned. An empty list: none. A null
	// element: a handler mapped without path patterns, so every request needs the full lookup.
	private volatile List<PathPattern> blockingPatterns;

	BlockingHandlers(Supplier<RequestMappingHandlerMapping> mapping) {
		this.mapping = mapping;
	}

	boolean isBlocking(HttpServletRequest request) {
		RequestMappingHandlerMapping handlers = this.mapping.get();
		if (handlers == null || !mayBeBlocking(handlers, request)) {
			return false;
		}
		Object previousPath = request.getAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE);
		try {
			ServletRequestPathUtils.parseAndCache(request);
			HandlerExecutionChain chain = handlers.getHandler(request);
			return chain != null && chain.getHandler() instanceof HandlerMethod method
					&& this.blocking.computeIfAbsent(method, BlockingHandlers::isBlocking);
		}
		catch (Exception ex) {
			// No handler, or none that can be told yet: Spring MVC reports it as it would anyway.
			return false;
		}
		finally {
			if (previousPath instanceof RequestPath) {
				request.setAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE, previousPath);
			}
			else {
				ServletRequestPathUtils.clearParsedRequestPath(request);
			}
		}
	}

	private boolean mayBeBlocking(RequestMappingHandlerMapping handlers, HttpServletRequest request) {
		List<PathPattern> patterns = this.blockingPatterns;
		if (patterns == null) {
			patterns = scan(handlers);
			this.blockingPatterns = patterns;
		}
		if (patterns.isEmpty()) {
			return false;
		}
		PathContainer path = PathContainer
			.parsePath(request.getRequestURI().substring(request.getContextPath().length()));
		for (PathPattern pattern : patterns) {
			if (pattern == null || pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	private static List<PathPattern> scan(RequestMappingHandlerMapping handlers) {
		List<PathPattern> patterns = new ArrayList<>();
		handlers.getHandlerMethods().forEach((info, method) -> {
			if (isBlocking(method)) {
				if (info.getPathPatternsCondition() != null) {
					patterns.addAll(info.getPathPatternsCondition().getPatterns());
				}
				else {
					patterns.add(null);
				}
			}
		});
		return patterns;
	}

	static boolean isBlocking(HandlerMethod method) {
		return method.hasMethodAnnotation(Blocking.class)
				|| AnnotatedElementUtils.hasAnnotation(method.getBeanType(), Blocking.class);
	}

}
