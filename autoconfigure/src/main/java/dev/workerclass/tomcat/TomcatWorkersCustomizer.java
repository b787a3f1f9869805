package dev.workerclass.tomcat;

import dev.workerclass.workers.WorkerClass;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.http11.AbstractHttp11Protocol;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Hands Tomcat the {@link Workers} as its request executor and shapes the connector after the
 * worker class.
 * <p>
 * Applied as a connector customizer, because Tomcat runs those after every protocol-handler
 * customizer: Spring Boot's own (for {@code server.tomcat.threads.*} or
 * {@code spring.threads.virtual.enabled}) set an executor too, and ours must win in every
 * combination.
 */
public class TomcatWorkersCustomizer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

	private final Workers workers;

	public TomcatWorkersCustomizer(Workers workers) {
		this.workers = workers;
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		factory.addConnectorCustomizers(this::customize);
	}

	private void customize(Connector connector) {
		if (!(connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol)) {
			return;
		}
		WorkerSettings settings = this.workers.settings();
		protocol.setExecutor(this.workers);
		if (settings.workerClass() == WorkerClass.SYNC) {
			// A sync worker holds its connection for exactly one request, and a worker that is
			// busy accepts nothing: the rest wait in the kernel's backlog, as with gunicorn.
			protocol.setMaxConnections(settings.workers());
			if (protocol instanceof AbstractHttp11Protocol<?> http11) {
				http11.setMaxKeepAliveRequests(1);
			}
		}
		else if (protocol.getMaxConnections() != -1 && protocol.getMaxConnections() < settings.capacity()) {
			// Capacity cannot be reached with fewer connections than requests in flight.
			protocol.setMaxConnections(settings.capacity());
		}
		if (settings.backlog() != null) {
			protocol.setAcceptCount(settings.backlog());
		}
		if (settings.keepAlive() != null) {
			protocol.setKeepAliveTimeout((int) settings.keepAlive().toMillis());
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
