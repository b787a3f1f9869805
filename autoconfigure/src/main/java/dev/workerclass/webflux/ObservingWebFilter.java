package dev.workerclass.webflux;

import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workload.Sample;
import dev.workerclass.workload.Workload;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Counts the requests a WebFlux app serves on its own when no {@code server.worker-class} is set,
 * so the endpoint and meters report what runs: no slot, no line, no deadline (see
 * {@link ObservedWorkers}). Control-plane requests are not counted, as under a class.
 */
public class ObservingWebFilter implements WebFilter, Ordered {

	private final ObservedWorkers workers;

	private final ControlPlane controlPlane;

	private final @Nullable Workload workload;

	public ObservingWebFilter(ObservedWorkers workers, ControlPlane controlPlane) {
		this(workers, controlPlane, null);
	}

	/**
	 * @param workload where a sample of the requests is measured; {@code null} measures none
	 */
	public ObservingWebFilter(ObservedWorkers workers, ControlPlane controlPlane, @Nullable Workload workload) {
		this.workers = workers;
		this.controlPlane = controlPlane;
		this.workload = workload;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.controlPlane.matches(exchange.getRequest().getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		return Mono.defer(() -> {
			Runnable ended = this.workers.begin();
			Workload sampling = this.workload;
			Sample sample = (sampling != null && sampling.draw()) ? sampling.beginUnthreaded() : null;
			if (sample == null) {
				return chain.filter(exchange).doFinally((signal) -> ended.run());
			}
			return chain.filter(exchange).doFinally((signal) -> {
				ended.run();
				sample.end(WorkersWebFilter.route(exchange));
			});
		});
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
