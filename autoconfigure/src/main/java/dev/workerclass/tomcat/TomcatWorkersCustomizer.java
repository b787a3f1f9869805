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
 * Hands Tomcat the workers' container executor and shapes the connector after the worker class.
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
		protocol.setExecutor(this.workers.containerExecutor());
		WorkerClass workerClass = settings.workerClass();
		if (workerClass.capsConnections()) {
			// Connections beyond the workers, their line and the control plane's few are not
			// accepted: they wait in the kernel's backlog, as in front of gunicorn.
			protocol.setMaxConnections(settings.connectionLimit());
			this.workers.onResize((resized) -> protocol.setMaxConnections(resized.connectionLimit()));
		}
		else {
			raiseMaxConnections(protocol, settings);
			this.workers.onResize((resized) -> raiseMaxConnections(protocol, resized));
		}
		if (!workerClass.keepsAlive() && protocol instanceof AbstractHttp11Protocol<?> http11) {
			// One request per connection: the response closes it.
			http11.setMaxKeepAliveRequests(1);
		}
		protocol.setAcceptCount(settings.acceptBacklog(protocol.getAcceptCount()));
		if (settings.keepAlive() != null) {
			protocol.setKeepAliveTimeout((int) settings.keepAlive().toMillis());
		}
	}

	// Capacity and line cannot fill with fewer connections; a higher limit set by the user stays.
	private static void raiseMaxConnections(AbstractProtocol<?> protocol, WorkerSettings settings) {
		if (protocol.getMaxConnections() != -1 && protocol.getMaxConnections() < settings.connectionLimit()) {
			protocol.setMaxConnections(settings.connectionLimit());
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
