package dev.workerclass.jetty;

import dev.workerclass.workers.WorkerClass;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Runs Jetty's request handling on the workers' container executor. Jetty's own small thread pool
 * keeps its acceptors and selectors; every task Jetty would block on (a request) goes to the
 * executor it knows as the "virtual threads executor", which is ours whatever the class.
 */
public class JettyWorkersCustomizer implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {

	/** Threads for Jetty's acceptors, selectors and housekeeping; requests never run on them. */
	static final int ENGINE_THREADS = 16;

	private final Workers workers;

	public JettyWorkersCustomizer(Workers workers) {
		this.workers = workers;
	}

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		WorkerSettings settings = this.workers.settings();
		QueuedThreadPool engineThreads = new QueuedThreadPool(ENGINE_THREADS, 4);
		engineThreads.setName("jetty-engine");
		engineThreads.setVirtualThreadsExecutor(this.workers.containerExecutor());
		factory.setThreadPool(engineThreads);
		factory.addServerCustomizers((server) -> customize(server, settings));
	}

	private void customize(Server server, WorkerSettings settings) {
		WorkerClass workerClass = settings.workerClass();
		if (workerClass.capsConnections()) {
			// As on Tomcat: connections beyond workers, line and control plane wait in the backlog.
			NetworkConnectionLimit limit = new NetworkConnectionLimit(settings.connectionLimit(), server);
			server.addBean(limit);
			this.workers.onResize((resized) -> limit.setMaxNetworkConnectionCount(resized.connectionLimit()));
		}
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof ServerConnector serverConnector) {
				serverConnector.setAcceptQueueSize(settings.acceptBacklog(serverConnector.getAcceptQueueSize()));
				if (settings.keepAlive() != null) {
					serverConnector.setIdleTimeout(settings.keepAlive().toMillis());
				}
			}
			if (!workerClass.keepsAlive()) {
				HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
				if (http != null) {
					HttpConfiguration configuration = http.getHttpConfiguration();
					// No keep-alive: every response closes its connection.
					configuration.addCustomizer((request, responseHeaders) -> {
						responseHeaders.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
						return request;
					});
				}
			}
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
