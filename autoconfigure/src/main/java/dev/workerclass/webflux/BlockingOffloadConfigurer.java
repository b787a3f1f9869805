package dev.workerclass.webflux;

import dev.workerclass.Blocking;
import dev.workerclass.workers.OffloadWorkers;

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
 * registry knows stay on the event loop, unless marked {@link Blocking}. Ordered last so it wins
 * over Boot's configurer, which sets the application task executor when virtual threads are enabled.
 */
public class BlockingOffloadConfigurer implements WebFluxConfigurer, Ordered {

	private final OffloadWorkers offload;

	private final ReactiveAdapterRegistry adapters = ReactiveAdapterRegistry.getSharedInstance();

	private final boolean onlyMarked;

	public BlockingOffloadConfigurer(OffloadWorkers offload) {
		this(offload, false);
	}

	/**
	 * @param onlyMarked offload {@link Blocking} methods only, leaving every other method where plain
	 * WebFlux runs it (the event loop): the behaviour when no worker class is set
	 */
	public BlockingOffloadConfigurer(OffloadWorkers offload, boolean onlyMarked) {
		this.offload = offload;
		this.onlyMarked = onlyMarked;
	}

	@Override
	public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
		configurer.setExecutor(new TaskExecutorAdapter(this.offload::execute));
		configurer.setControllerMethodPredicate(this::runsOffTheLoop);
	}

	/** Whether {@code method} runs on the offload pool rather than the event loop. */
	public boolean runsOffTheLoop(HandlerMethod method) {
		if (method.hasMethodAnnotation(Blocking.class)
				|| AnnotatedElementUtils.hasAnnotation(method.getBeanType(), Blocking.class)) {
			return true;
		}
		if (this.onlyMarked) {
			return false;
		}
		// WebFlux's own rule: a return type it cannot adapt means the method blocks to produce it.
		return this.adapters.getAdapter(method.getReturnType().getParameterType()) == null
				&& !KotlinDetector.isSuspendingFunction(method.getMethod());
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
