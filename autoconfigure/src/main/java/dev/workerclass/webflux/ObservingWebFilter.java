package dev.workerclass.webflux;

import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.ObservedWorkers;
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

	public ObservingWebFilter(ObservedWorkers workers, ControlPlane controlPlane) {
		this.workers = workers;
		this.controlPlane = controlPlane;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.controlPlane.matches(exchange.getRequest().getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		return Mono.defer(() -> {
			Runnable ended = this.workers.begin();
			return chain.filter(exchange).doFinally((signal) -> ended.run());
		});
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
