package dev.workerclass.netty;

import dev.workerclass.workers.WorkerSettings;
import io.netty.channel.ChannelOption;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * Runs the Reactor Netty server on its own event loops, one per worker, apart from the loops
 * Spring's WebClient shares: {@code workers} means event loops here, as in gunicorn's async
 * workers.
 */
public class NettyWorkersCustomizer implements NettyServerCustomizer, DisposableBean {

	/** Prefix of the event-loop thread names. */
	public static final String LOOP_PREFIX = "workerclass-loop";

	private final WorkerSettings settings;

	private final LoopResources loops;

	public NettyWorkersCustomizer(WorkerSettings settings) {
		this.settings = settings;
		this.loops = LoopResources.create(LOOP_PREFIX, settings.workers(), true);
	}

	@Override
	public HttpServer apply(HttpServer server) {
		HttpServer customized = server.runOn(this.loops);
		if (this.settings.backlog() != null) {
			customized = customized.option(ChannelOption.SO_BACKLOG, this.settings.backlog());
		}
		if (this.settings.keepAlive() != null) {
			customized = customized.idleTimeout(this.settings.keepAlive());
		}
		return customized;
	}

	@Override
	public void destroy() {
		this.loops.disposeLater().block();
	}

}
