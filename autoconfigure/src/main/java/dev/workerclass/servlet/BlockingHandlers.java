package dev.workerclass.servlet;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.workerclass.Blocking;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.server.RequestPath;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Tells the filter, before Spring MVC runs, whether a request goes to a {@link Blocking} handler.
 * Looks the handler up only when the application has such handlers at all, so an application
 * without them pays nothing.
 */
class BlockingHandlers {

	private final Supplier<RequestMappingHandlerMapping> mapping;

	private final Map<HandlerMethod, Boolean> blocking = new ConcurrentHashMap<>();

	private volatile Boolean any;

	BlockingHandlers(Supplier<RequestMappingHandlerMapping> mapping) {
		this.mapping = mapping;
	}

	boolean isBlocking(HttpServletRequest request) {
		RequestMappingHandlerMapping handlers = this.mapping.get();
		if (handlers == null || !anyBlocking(handlers)) {
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

	private boolean anyBlocking(RequestMappingHandlerMapping handlers) {
		Boolean known = this.any;
		if (known == null) {
			known = handlers.getHandlerMethods().values().stream().anyMatch(BlockingHandlers::isBlocking);
			this.any = known;
		}
		return known;
	}

	static boolean isBlocking(HandlerMethod method) {
		return method.hasMethodAnnotation(Blocking.class)
				|| AnnotatedElementUtils.hasAnnotation(method.getBeanType(), Blocking.class);
	}

}
