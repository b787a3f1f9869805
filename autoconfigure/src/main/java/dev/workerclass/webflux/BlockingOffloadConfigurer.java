package dev.workerclass.webflux;

import dev.workerclass.workers.ReactiveWorkers;

import org.springframework.core.Ordered;
import org.springframework.core.task.support.TaskExecutorAdapter;
import org.springframework.web.reactive.config.BlockingExecutionConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * Uses WebFlux's own blocking-execution support: controller methods that return a plain value
 * (blocking style) are invoked on the {@link ReactiveWorkers#offloadExecutor() offload pool};
 * methods that return {@code Mono}, {@code Flux}, {@code CompletableFuture} or another type the
 * reactive adapter registry knows stay on the event loop. Ordered last so it wins over Boot's
 * configurer, which sets the application task executor when virtual threads are enabled.
 */
public class BlockingOffloadConfigurer implements WebFluxConfigurer, Ordered {

	private final ReactiveWorkers workers;

	public BlockingOffloadConfigurer(ReactiveWorkers workers) {
		this.workers = workers;
	}

	@Override
	public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
		configurer.setExecutor(new TaskExecutorAdapter(this.workers.offloadExecutor()));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
