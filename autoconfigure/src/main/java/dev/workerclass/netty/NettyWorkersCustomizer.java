package dev.workerclass.netty;

import java.time.Duration;

import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import io.netty.channel.ChannelOption;
import io.netty.util.NetUtil;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * Runs the Reactor Netty server on the workers' own event loops, one per worker, apart from the
 * loops Spring's WebClient shares, and follows a resize: {@code workers} means event loops here,
 * as in gunicorn's async workers.
 */
public class NettyWorkersCustomizer implements NettyServerCustomizer, DisposableBean {

	private final WorkerSettings settings;

	private final ResizableEventLoops loops;

	public NettyWorkersCustomizer(Workers workers) {
		this.settings = workers.settings();
		this.loops = new ResizableEventLoops(this.settings.workers(), this.settings.maxWorkers());
		workers.onResize((resized) -> this.loops.setActiveLoops(resized.workers()));
	}

	@Override
	public HttpServer apply(HttpServer server) {
		HttpServer customized = server.runOn(this.loops)
			.option(ChannelOption.SO_BACKLOG, this.settings.acceptBacklog(NetUtil.SOMAXCONN));
		if (this.settings.keepAlive() != null) {
			customized = customized.idleTimeout(this.settings.keepAlive());
		}
		return customized;
	}

	/** The loops the server runs on. */
	public ResizableEventLoops loops() {
		return this.loops;
	}

	@Override
	public void destroy() {
		// The web server has already stopped (gracefully, if configured) by the time beans are destroyed.
		this.loops.disposeLater(Duration.ofMillis(100), Duration.ofSeconds(5)).block();
	}

}
