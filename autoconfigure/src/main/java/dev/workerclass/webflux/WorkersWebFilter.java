package dev.workerclass.webflux;

import java.util.concurrent.atomic.AtomicReference;

import dev.workerclass.workers.WorkerSlots;
import dev.workerclass.workers.Workers;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Admission for event-loop engines: each request takes a worker slot before it reaches the
 * application and gives it back when it ends, whether it completes, fails or the client goes away.
 * Requests beyond capacity wait for a slot without holding a thread.
 */
public class WorkersWebFilter implements WebFilter, Ordered {

	private final Workers workers;

	public WorkersWebFilter(Workers workers) {
		this.workers = workers;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		AtomicReference<WorkerSlots.Ticket> ticket = new AtomicReference<>();
		Mono<Void> admitted = Mono.create((sink) -> {
			ticket.set(this.workers.admit(sink::success));
			// A cancelled wait leaves the line; a cancelled request gives its slot back below.
			sink.onCancel(() -> ticket.get().release());
		});
		return admitted.then(Mono.defer(() -> chain.filter(exchange))).doFinally((signal) -> {
			WorkerSlots.Ticket held = ticket.get();
			if (held != null) {
				held.release();
			}
		});
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
