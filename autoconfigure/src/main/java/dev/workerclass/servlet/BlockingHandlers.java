package dev.workerclass.servlet;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.workerclass.Blocking;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

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

	private final Supplier<@Nullable RequestMappingHandlerMapping> mapping;

	private final Map<HandlerMethod, Boolean> blocking = new ConcurrentHashMap<>();

	// Spring MVC's mapping, once it exists (looked up per request until then).
	private volatile @Nullable RequestMappingHandlerMapping handlers;

	// The paths of @Blocking handlers; null until scanned.
	private volatile @Nullable BlockingPaths blockingPaths;

	BlockingHandlers(Supplier<@Nullable RequestMappingHandlerMapping> mapping) {
		this.mapping = mapping;
	}

	boolean isBlocking(HttpServletRequest request) {
		RequestMappingHandlerMapping handlers = this.handlers;
		if (handlers == null) {
			handlers = this.mapping.get();
			this.handlers = handlers;
		}
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
		BlockingPaths paths = this.blockingPaths;
		if (paths == null) {
			paths = BlockingPaths.scan(handlers);
			this.blockingPaths = paths;
		}
		return paths.mayMatch(request.getRequestURI().substring(request.getContextPath().length()));
	}

	/**
	 * The path patterns of {@code @Blocking} handlers, the literal ones (most) also as strings, so
	 * that a request to any other path costs a hash lookup rather than a parse and a match per pattern.
	 * @param all whether a {@code @Blocking} handler is mapped without path patterns (every request
	 * then needs the full lookup)
	 */
	private record BlockingPaths(boolean all, List<PathPattern> patterns, Set<String> literals) {

		static BlockingPaths scan(RequestMappingHandlerMapping handlers) {
			boolean[] all = { false };
			List<PathPattern> patterns = new ArrayList<>();
			handlers.getHandlerMethods().forEach((info, method) -> {
				if (isBlocking(method)) {
					if (info.getPathPatternsCondition() != null) {
						patterns.addAll(info.getPathPatternsCondition().getPatterns());
					}
					else {
						all[0] = true;
					}
				}
			});
			// Deduplicated first, so that literals.size() == patterns.size() means "literals only".
			List<PathPattern> distinct = List.copyOf(new LinkedHashSet<>(patterns));
			Set<String> literals = distinct.stream()
				.filter((pattern) -> !pattern.hasPatternSyntax())
				.map(PathPattern::getPatternString)
				.collect(Collectors.toUnmodifiableSet());
			return new BlockingPaths(all[0], distinct, literals);
		}

		boolean mayMatch(String rawPath) {
			if (this.all) {
				return true;
			}
			if (this.patterns.isEmpty()) {
				return false;
			}
			// An encoded or parameterised path is left to the pattern matcher, which decodes it.
			if (rawPath.indexOf('%') < 0 && rawPath.indexOf(';') < 0) {
				if (this.literals.contains(rawPath)) {
					return true;
				}
				if (this.literals.size() == this.patterns.size()) {
					return false;
				}
			}
			PathContainer path = PathContainer.parsePath(rawPath);
			for (PathPattern pattern : this.patterns) {
				if (pattern.matches(path)) {
					return true;
				}
			}
			return false;
		}

	}

	static boolean isBlocking(HandlerMethod method) {
		return method.hasMethodAnnotation(Blocking.class)
				|| AnnotatedElementUtils.hasAnnotation(method.getBeanType(), Blocking.class);
	}

}
