package dev.workerclass.webflux;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.MethodParameter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.ui.ModelMap;
import org.springframework.util.ClassUtils;
import org.springframework.validation.support.BindingAwareConcurrentModel;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerResult;
import org.springframework.web.reactive.HandlerResultHandler;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.reactive.result.method.annotation.ModelMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * Fails start-up of a reactive application when one of its {@code @RequestMapping} controller
 * methods takes or returns something WebFlux cannot serve. The same controllers run under the
 * servlet classes and under {@code reactive}; without this check a Spring MVC-only method starts
 * fine on WebFlux and answers 500 (or, worse, a wrong 200) on its first request.
 * <p>
 * WebFlux's own machinery answers first where it is public: its model resolver and the model it
 * really passes, the application's own argument resolvers, the reactive adapter registry and the
 * result handlers in the context. That alone cannot decide, because WebFlux ends its resolvers and
 * result handlers with catch-alls: any non-simple parameter "resolves" as a model attribute (and
 * then fails to instantiate an {@code HttpServletRequest}), any non-simple return value "renders"
 * as a model attribute (a {@code ModelAndView} becomes one, and its view name is never used). So
 * the check also refuses, by name, the types of the servlet stack that the catch-alls would claim:
 * everything in {@link #SERVLET_ONLY_PACKAGES} (in a parameter or return type, its supertypes and
 * its type arguments, so {@code List<MultipartFile>} and {@code ResponseEntity<SseEmitter>} count),
 * Spring MVC's unannotated servlet streams and its {@code Callable} return value. Types are
 * compared by name, never loaded: a WebFlux-only application has no servlet API on its class path.
 * <p>
 * Runs once every singleton exists (the handler mapping has then registered every method) and
 * before the server starts; an application without WebFlux's handler mapping has nothing to check.
 */
public final class WebFluxHandlerCheck implements SmartInitializingSingleton {

	/**
	 * Packages only Spring MVC on a servlet engine can supply or handle. WebFlux has resolvers and
	 * result handlers for none of their types; its catch-alls would claim them and fail at run time.
	 */
	public static final List<String> SERVLET_ONLY_PACKAGES = List.of("jakarta.servlet.",
			"org.springframework.web.servlet.", "org.springframework.web.multipart.",
			"org.springframework.web.context.request.");

	/** Unannotated parameters Spring MVC fills from the servlet request's or response's stream. */
	private static final Set<String> SERVLET_STREAMS = Set.of("java.io.InputStream", "java.io.Reader",
			"java.io.OutputStream", "java.io.Writer");

	/** A return value Spring MVC runs on its async executor; WebFlux's adapter registry knows no such type. */
	private static final String CALLABLE = "java.util.concurrent.Callable";

	/** What to write instead, by the simple name of the servlet-stack type (or one of its supertypes). */
	private static final Map<String, String> INSTEAD = Map.ofEntries(
			Map.entry("RedirectAttributes", "WebFlux has no flash attributes: return \"redirect:...\" (or"
					+ " Rendering.redirectTo(...)) and pass values in the URL or the WebSession"),
			Map.entry("HttpServletRequest", "take ServerWebExchange or ServerHttpRequest"),
			Map.entry("ServletRequest", "take ServerWebExchange or ServerHttpRequest"),
			Map.entry("HttpServletResponse", "take ServerWebExchange or ServerHttpResponse"),
			Map.entry("ServletResponse", "take ServerWebExchange or ServerHttpResponse"),
			Map.entry("HttpSession", "take WebSession"),
			Map.entry("MultipartFile", "take @RequestPart FilePart (Flux<FilePart> for several)"),
			Map.entry("MultipartRequest", "take @RequestPart FilePart (Flux<FilePart> for several)"),
			Map.entry("Part", "take @RequestPart FilePart (Flux<FilePart> for several)"),
			Map.entry("WebRequest", "take ServerWebExchange"),
			Map.entry("ModelAndView", "return a view name String and take a Model parameter (this also runs on"
					+ " Spring MVC), or return Rendering"),
			Map.entry("View", "return a view name String (this also runs on Spring MVC), or Rendering"),
			Map.entry("SseEmitter", "return Flux<ServerSentEvent<T>>"),
			Map.entry("ResponseBodyEmitter", "return Flux<T>"),
			Map.entry("StreamingResponseBody", "return Flux<DataBuffer> or Flux<T>"),
			Map.entry("DeferredResult", "return Mono<T> or CompletableFuture<T>"),
			Map.entry("WebAsyncTask", "return Mono<T> or CompletableFuture<T>"),
			Map.entry("Callable", "return the plain value (WebFlux runs such methods on the offload pool) or"
					+ " Mono.fromCallable(...)"));

	/** The bean WebFlux's configuration registers its mapping under; actuator adds mappings of its own. */
	private static final String MAPPING = "requestMappingHandlerMapping";

	private final ListableBeanFactory beans;

	public WebFluxHandlerCheck(ListableBeanFactory beans) {
		this.beans = beans;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (!this.beans.containsBean(MAPPING) || !this.beans.isTypeMatch(MAPPING, RequestMappingHandlerMapping.class)) {
			return;
		}
		RequestMappingHandlerMapping mapping = this.beans.getBean(MAPPING, RequestMappingHandlerMapping.class);
		RequestMappingHandlerAdapter adapter = this.beans.getBeanProvider(RequestMappingHandlerAdapter.class)
			.getIfUnique();
		ReactiveAdapterRegistry registry = (adapter != null && adapter.getReactiveAdapterRegistry() != null)
				? adapter.getReactiveAdapterRegistry() : ReactiveAdapterRegistry.getSharedInstance();
		List<IncompatibleHandler> found = new Checker(customResolvers(),
				List.copyOf(this.beans.getBeansOfType(HandlerResultHandler.class).values()), registry)
			.check(mapping.getHandlerMethods().values());
		if (!found.isEmpty()) {
			throw new IncompatibleHandlersException(found);
		}
	}

	/**
	 * The application's own argument resolvers, collected the way WebFlux's configuration collects
	 * them (from every {@link WebFluxConfigurer}): the adapter keeps its list package-private.
	 */
	private List<HandlerMethodArgumentResolver> customResolvers() {
		List<HandlerMethodArgumentResolver> resolvers = new ArrayList<>();
		ArgumentResolverConfigurer collector = new ArgumentResolverConfigurer() {

			@Override
			public void addCustomResolver(HandlerMethodArgumentResolver... added) {
				resolvers.addAll(Arrays.asList(added));
			}

		};
		this.beans.getBeanProvider(WebFluxConfigurer.class)
			.orderedStream()
			.forEach((configurer) -> configurer.configureArgumentResolvers(collector));
		return resolvers;
	}

	/** The rules over a set of handler methods, given what WebFlux in this context can resolve and handle. */
	private static final class Checker {

		private final List<HandlerMethodArgumentResolver> customResolvers;

		private final List<HandlerResultHandler> resultHandlers;

		private final ReactiveAdapterRegistry registry;

		private final ModelMethodArgumentResolver modelResolver;

		Checker(List<HandlerMethodArgumentResolver> customResolvers, List<HandlerResultHandler> resultHandlers,
				ReactiveAdapterRegistry registry) {
			this.customResolvers = customResolvers;
			this.resultHandlers = resultHandlers;
			this.registry = registry;
			this.modelResolver = new ModelMethodArgumentResolver(registry);
		}

		List<IncompatibleHandler> check(Collection<HandlerMethod> handlers) {
			Map<Method, HandlerMethod> byMethod = new LinkedHashMap<>();
			for (HandlerMethod handler : handlers) {
				// Only the application's controller methods: actuator maps endpoint operations too.
				if (AnnotatedElementUtils.hasAnnotation(handler.getMethod(), RequestMapping.class)) {
					byMethod.putIfAbsent(handler.getMethod(), handler);
				}
			}
			Map<String, List<String>> found = new TreeMap<>();
			for (HandlerMethod handler : byMethod.values()) {
				List<String> problems = new ArrayList<>();
				for (MethodParameter parameter : handler.getMethodParameters()) {
					String problem = parameterProblem(parameter);
					if (problem != null) {
						problems.add("parameter " + describe(ResolvableType.forMethodParameter(parameter)) + ": " + problem);
					}
				}
				String problem = returnProblem(handler);
				if (problem != null) {
					problems.add("return type " + describe(ResolvableType.forMethodParameter(handler.getReturnType()))
							+ ": " + problem);
				}
				if (!problems.isEmpty()) {
					found.computeIfAbsent(describe(handler), (key) -> new ArrayList<>()).addAll(problems);
				}
			}
			return found.entrySet()
				.stream()
				.map((entry) -> new IncompatibleHandler(entry.getKey(), entry.getValue()))
				.toList();
		}

		private @Nullable String parameterProblem(MethodParameter parameter) {
			for (HandlerMethodArgumentResolver resolver : this.customResolvers) {
				if (resolver.supportsParameter(parameter)) {
					return null; // the application resolves it itself
				}
			}
			ResolvableType declared = ResolvableType.forMethodParameter(parameter);
			Class<?> servletType = servletOnly(declared, 0);
			if (servletType != null) {
				return kind(declared, servletType) + " WebFlux never passes to a handler; " + instead(servletType);
			}
			Class<?> type = parameter.getParameterType();
			if (!parameter.hasParameterAnnotations()) {
				Class<?> stream = named(type, SERVLET_STREAMS);
				if (stream != null) {
					return "Spring MVC passes the servlet request's or response's " + stream.getSimpleName()
							+ ", WebFlux has no such stream; take @RequestBody Flux<DataBuffer> or ServerHttpResponse";
				}
			}
			// WebFlux's own model resolver decides whether the parameter is the model; what it then
			// passes is a BindingAwareConcurrentModel, whatever the parameter's type claims.
			boolean model;
			try {
				model = this.modelResolver.supportsParameter(parameter);
			}
			catch (IllegalStateException ex) {
				return ex.getMessage();
			}
			if (model && !type.isAssignableFrom(BindingAwareConcurrentModel.class)) {
				return "WebFlux passes the model as a BindingAwareConcurrentModel, which is not a "
						+ type.getSimpleName() + " (argument type mismatch); take Model or Map<String, Object>";
			}
			if (!model && !parameter.hasParameterAnnotations() && ModelMap.class.isAssignableFrom(type)) {
				return "WebFlux's model resolver leaves ModelMap types out and no other resolver takes one"
						+ " (no suitable resolver); take Model or Map<String, Object>";
			}
			return null;
		}

		private @Nullable String returnProblem(HandlerMethod handler) {
			MethodParameter returnType = handler.getReturnType();
			ResolvableType declared = ResolvableType.forMethodParameter(returnType);
			Class<?> servletType = servletOnly(declared, 0);
			if (servletType != null) {
				return kind(declared, servletType) + " WebFlux cannot handle (it would render or encode the object itself); "
						+ instead(servletType);
			}
			Class<?> type = returnType.getParameterType();
			if (named(type, Set.of(CALLABLE)) != null && this.registry.getAdapter(type) == null) {
				return "Spring MVC calls it on its async executor, WebFlux has no adapter for Callable and would render"
						+ " or encode the Callable itself; " + INSTEAD.get("Callable");
			}
			if (!this.resultHandlers.isEmpty()) {
				HandlerResult result = new HandlerResult(handler, null, returnType);
				if (this.resultHandlers.stream().noneMatch((resultHandler) -> resultHandler.supports(result))) {
					return "no WebFlux result handler takes it; add @ResponseBody, or return ResponseEntity, Mono or"
							+ " a view name";
				}
			}
			return null;
		}

	}

	/** The first servlet-only type in {@code type}, its supertypes, element type or type arguments. */
	private static @Nullable Class<?> servletOnly(ResolvableType type, int depth) {
		Class<?> resolved = type.resolve();
		if (resolved == null || depth > 8) {
			return null;
		}
		if (resolved.isArray()) {
			return servletOnly(type.getComponentType(), depth + 1);
		}
		Class<?> found = firstInHierarchy(resolved, (candidate) -> SERVLET_ONLY_PACKAGES.stream()
			.anyMatch((name) -> candidate.getName().startsWith(name)));
		if (found != null) {
			return found;
		}
		for (ResolvableType generic : type.getGenerics()) {
			found = servletOnly(generic, depth + 1);
			if (found != null) {
				return found;
			}
		}
		return null;
	}

	/** {@code type} or its first supertype whose name is one of {@code names}. */
	private static @Nullable Class<?> named(Class<?> type, Set<String> names) {
		return firstInHierarchy(type, (candidate) -> names.contains(candidate.getName()));
	}

	private static @Nullable Class<?> firstInHierarchy(Class<?> type, Predicate<Class<?>> test) {
		Set<Class<?>> seen = new LinkedHashSet<>();
		List<Class<?>> next = new ArrayList<>(List.of(type));
		while (!next.isEmpty()) {
			Class<?> candidate = next.remove(0);
			if (!seen.add(candidate)) {
				continue;
			}
			if (test.test(candidate)) {
				return candidate;
			}
			if (candidate.getSuperclass() != null) {
				next.add(candidate.getSuperclass());
			}
			next.addAll(Arrays.asList(candidate.getInterfaces()));
		}
		return null;
	}

	/** "a Servlet API type", or "MultipartFile is a Spring MVC type" when it sits inside the declared type. */
	private static String kind(ResolvableType declared, Class<?> servletType) {
		String kind = servletType.getName().startsWith("jakarta.servlet.") ? "a Servlet API type"
				: "a Spring MVC (servlet) type";
		return describe(declared).equals(servletType.getSimpleName()) ? kind
				: servletType.getSimpleName() + " is " + kind;
	}

	/** What to use instead of a servlet-stack type, found by its own or a supertype's simple name. */
	private static String instead(Class<?> servletType) {
		Class<?> known = firstInHierarchy(servletType, (candidate) -> INSTEAD.containsKey(candidate.getSimpleName()));
		return (known != null) ? INSTEAD.get(known.getSimpleName()) : "use its WebFlux counterpart";
	}

	/** {@code Controller#method(ParameterType, ...)}, with simple names. */
	private static String describe(HandlerMethod handler) {
		return ClassUtils.getShortName(ClassUtils.getUserClass(handler.getBeanType())) + "#"
				+ handler.getMethod().getName() + "(" + Arrays.stream(handler.getMethod().getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", "))
				+ ")";
	}

	/** A type with simple names: {@code List<MultipartFile>}, {@code Callable<String>}. */
	private static String describe(ResolvableType type) {
		Class<?> resolved = type.resolve();
		if (resolved == null) {
			return "?";
		}
		if (resolved.isArray()) {
			return describe(type.getComponentType()) + "[]";
		}
		if (!type.hasGenerics()) {
			return resolved.getSimpleName();
		}
		return resolved.getSimpleName() + Arrays.stream(type.getGenerics())
			.map(WebFluxHandlerCheck::describe)
			.collect(Collectors.joining(", ", "<", ">"));
	}

}
