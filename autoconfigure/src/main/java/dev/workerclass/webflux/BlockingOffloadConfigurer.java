package dev.workerclass.webflux;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

import dev.workerclass.Blocking;
import dev.workerclass.offload.AutoOffload;
import dev.workerclass.workers.OffloadWorkers;
import org.jspecify.annotations.Nullable;

import org.springframework.core.KotlinDetector;
import org.springframework.core.Ordered;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.task.support.TaskExecutorAdapter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.config.BlockingExecutionConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * Uses WebFlux's own blocking-execution support: controller methods that return a plain value
 * (blocking style) are invoked on the {@link OffloadWorkers offload pool}; methods that return
 * {@code Mono}, {@code Flux}, {@code CompletableFuture} or another type the reactive adapter
 * registry knows stay on the event loop, unless marked {@link Blocking}. With {@link AutoOffload}
 * ({@code server.offload=auto}) a blocking-style method not marked {@link Blocking} runs where it
 * decides, request by request. Ordered last so it wins
 * over Boot's configurer, which sets the application task executor when virtual threads are enabled.
 */
public class BlockingOffloadConfigurer implements WebFluxConfigurer, Ordered {

	private final OffloadWorkers offload;

	private final ReactiveAdapterRegistry adapters = ReactiveAdapterRegistry.getSharedInstance();

	private final boolean onlyMarked;

	private final @Nullable AutoOffload auto;

	/**
	 * Where each handler method runs, found once: Spring asks twice a request, and the annotation
	 * and return-type checks cost more than the lookup.
	 */
	private final Map<Site, BooleanSupplier> placements = new ConcurrentHashMap<>();

	public BlockingOffloadConfigurer(OffloadWorkers offload) {
		this(offload, false);
	}

	/**
	 * Every blocking-style method leaves the loop, or, with {@code auto}, runs where it decides.
	 * @param auto where blocking-style methods run under {@code server.offload=auto}; {@code null}
	 * offloads them all ({@code always})
	 */
	public BlockingOffloadConfigurer(OffloadWorkers offload, @Nullable AutoOffload auto) {
		this.offload = offload;
		this.onlyMarked = false;
		this.auto = auto;
	}

	/**
	 * @param onlyMarked offload {@link Blocking} methods only, leaving every other method where plain
	 * WebFlux runs it (the event loop): the behaviour when no worker class is set
	 */
	public BlockingOffloadConfigurer(OffloadWorkers offload, boolean onlyMarked) {
		this.offload = offload;
		this.onlyMarked = onlyMarked;
		this.auto = null;
	}

	@Override
	public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
		Executor pool = this.offload::execute;
		AutoOffload deciding = this.auto;
		configurer.setExecutor(new TaskExecutorAdapter((deciding != null) ? deciding.executor(pool) : pool));
		configurer.setControllerMethodPredicate(this::runsOffTheLoop);
	}

	/**
	 * Whether {@code method} runs on the offload pool rather than the event loop, for this request:
	 * Spring asks before each call, on the loop.
	 */
	public boolean runsOffTheLoop(HandlerMethod method) {
		Site site = new Site(method.getBeanType(), method.getMethod());
		BooleanSupplier placement = this.placements.get(site);
		if (placement == null) {
			placement = this.placements.computeIfAbsent(site, (key) -> placement(method));
		}
		return placement.getAsBoolean();
	}

	private BooleanSupplier placement(HandlerMethod method) {
		AutoOffload deciding = this.auto;
		if (method.hasMethodAnnotation(Blocking.class)
				|| AnnotatedElementUtils.hasAnnotation(method.getBeanType(), Blocking.class)) {
			return (deciding != null) ? deciding::offloadsUnmeasured : () -> true;
		}
		if (this.onlyMarked || !isBlockingStyle(method)) {
			return () -> false;
		}
		return (deciding != null) ? deciding.route(method.getMethod())::offloads : () -> true;
	}

	/** WebFlux's own rule: a return type it cannot adapt means the method blocks to produce it. */
	private boolean isBlockingStyle(HandlerMethod method) {
		return this.adapters.getAdapter(method.getReturnType().getParameterType()) == null
				&& !KotlinDetector.isSuspendingFunction(method.getMethod());
	}

	/** A method as a bean of one type serves it: {@code @Blocking} on the type applies to its beans only. */
	private record Site(Class<?> beanType, Method method) {
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
