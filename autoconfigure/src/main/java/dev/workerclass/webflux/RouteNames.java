package dev.workerclass.webflux;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The routes a controller method serves, as the endpoint shows them ({@code GET /todos}), read
 * from the request mappings once, when first asked (on the first request: the mappings are
 * complete by then).
 */
public final class RouteNames implements Function<Method, String> {

	private final ObjectProvider<RequestMappingHandlerMapping> mappings;

	private volatile @Nullable Map<Method, String> names;

	public RouteNames(ObjectProvider<RequestMappingHandlerMapping> mappings) {
		this.mappings = mappings;
	}

	@Override
	public String apply(Method method) {
		Map<Method, String> known = this.names;
		if (known == null) {
			known = read();
			this.names = known;
		}
		String name = known.get(method);
		return (name != null) ? name : method.getDeclaringClass().getSimpleName() + "#" + method.getName();
	}

	private Map<Method, String> read() {
		Map<Method, Set<String>> routes = new HashMap<>();
		this.mappings.orderedStream().forEach((mapping) -> {
			for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
				Set<String> names = routes.computeIfAbsent(entry.getValue().getMethod(), (key) -> new TreeSet<>());
				RequestMappingInfo info = entry.getKey();
				Set<RequestMethod> verbs = info.getMethodsCondition().getMethods();
				for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
					if (verbs.isEmpty()) {
						names.add(pattern.getPatternString());
					}
					for (RequestMethod verb : verbs) {
						names.add(verb.name() + " " + pattern.getPatternString());
					}
				}
			}
		});
		Map<Method, String> names = new HashMap<>();
		routes.forEach((method, set) -> names.put(method, String.join(", ", set)));
		return names;
	}

}
