package dev.workerclass.jetty.autoconfigure;

import dev.workerclass.autoconfigure.WebServerEngine;
import dev.workerclass.jetty.JettyWorkersCustomizer;
import dev.workerclass.servlet.autoconfigure.ServletWorkersAutoConfiguration;
import dev.workerclass.workers.Workers;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Jetty under the servlet classes: runs its request handling on the workers' threads and shapes
 * its connectors. Also names Jetty's web servers (servlet or reactive) for the start-up line and
 * the endpoint.
 */
@AutoConfiguration(after = ServletWorkersAutoConfiguration.class)
@ConditionalOnClass(name = { "org.eclipse.jetty.server.Server",
		"org.springframework.boot.jetty.ConfigurableJettyWebServerFactory" })
@ConditionalOnWebApplication
public final class JettyWorkersAutoConfiguration {

	@Bean
	WebServerEngine jettyWebServerEngine() {
		return new WebServerEngine("Jetty", JettyWebServer.class);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	// No class, no shaping: the container keeps plain Spring Boot's executor, backlog and limits.
	@ConditionalOnProperty(name = "server.worker-class")
	static class ServletWorkersConfiguration {

		@Bean
		JettyWorkersCustomizer jettyWorkersCustomizer(Workers workers) {
			return new JettyWorkersCustomizer(workers);
		}

	}

}
