package dev.workerclass.tomcat.autoconfigure;

import dev.workerclass.autoconfigure.WebServerEngine;
import dev.workerclass.servlet.autoconfigure.ServletWorkersAutoConfiguration;
import dev.workerclass.tomcat.TomcatWorkersCustomizer;
import dev.workerclass.workers.Workers;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat under the servlet classes: hands it the workers' threads and shapes its connector. Also
 * names Tomcat's web servers (servlet or reactive) for the start-up line and the endpoint.
 */
@AutoConfiguration(after = ServletWorkersAutoConfiguration.class)
@ConditionalOnClass(name = { "org.apache.catalina.startup.Tomcat",
		"org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory" })
@ConditionalOnWebApplication
public final class TomcatWorkersAutoConfiguration {

	@Bean
	WebServerEngine tomcatWebServerEngine() {
		return new WebServerEngine("Tomcat", TomcatWebServer.class);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	// No class, no shaping: the container keeps plain Spring Boot's executor, backlog and limits.
	@ConditionalOnProperty(name = "server.worker-class")
	static class ServletWorkersConfiguration {

		@Bean
		TomcatWorkersCustomizer tomcatWorkersCustomizer(Workers workers) {
			return new TomcatWorkersCustomizer(workers);
		}

	}

}
