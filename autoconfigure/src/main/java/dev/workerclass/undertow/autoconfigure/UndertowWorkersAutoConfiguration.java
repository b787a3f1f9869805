package dev.workerclass.undertow.autoconfigure;

import dev.workerclass.autoconfigure.WebServerEngine;
import dev.workerclass.autoconfigure.WorkerClassProperties;
import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.offload.AutoOffload;
import dev.workerclass.undertow.UndertowReactiveWebServerFactory;
import dev.workerclass.undertow.UndertowWebServer;
import dev.workerclass.webflux.autoconfigure.ReactiveWorkersAutoConfiguration;
import dev.workerclass.workers.ReactiveWorkers;
import dev.workerclass.workers.WorkerSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.server.autoconfigure.reactive.ReactiveWebServerConfiguration;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Undertow under the reactive class when {@code server.engine=undertow}: its I/O threads are the
 * workers, fixed for the server's life (XNIO creates them with the worker and cannot add or remove
 * one). Also names the starter's Undertow web server for the start-up line and the endpoint.
 */
@AutoConfiguration(after = ReactiveWorkersAutoConfiguration.class,
		beforeName = { "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
				"org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration",
				"org.springframework.boot.jetty.autoconfigure.reactive.JettyReactiveWebServerAutoConfiguration" })
@ConditionalOnClass(name = "io.undertow.Undertow")
@ConditionalOnWebApplication(type = Type.REACTIVE)
public final class UndertowWorkersAutoConfiguration {

	@Bean
	WebServerEngine undertowWebServerEngine() {
		return new WebServerEngine("Undertow", UndertowWebServer.class);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ReactiveWorkers.class)
	@ConditionalOnProperty(name = "server.engine", havingValue = "undertow")
	@Import(ReactiveWebServerConfiguration.class)
	static class ReactiveWorkersConfiguration {

		@Bean
		@ConditionalOnMissingBean(ReactiveWebServerFactory.class)
		UndertowReactiveWebServerFactory undertowReactiveWebServerFactory(ReactiveWorkers workers) {
			WorkerSettings settings = workers.settings();
			UndertowReactiveWebServerFactory factory = new UndertowReactiveWebServerFactory();
			factory.setIoThreads(settings.workers());
			// XNIO listens with a backlog of 128 unless told otherwise.
			factory.setBacklog(settings.acceptBacklog(128));
			factory.setIdleTimeout(settings.keepAlive());
			// Never pretend: resizing would change the slots but not the threads that serve them.
			workers.pinWorkerCount("Undertow's I/O threads are fixed when its XNIO worker starts; change"
					+ " server.workers and restart, or resize workerConnections");
			return factory;
		}

		/** I/O threads that run one task too long, with the stack of what blocks them. */
		@Bean
		@ConditionalOnMissingBean
		WorkersDiagnostics workersDiagnostics(UndertowReactiveWebServerFactory undertow,
				WorkerClassProperties properties, ObjectProvider<AutoOffload> autoOffload) {
			return ReactiveWorkersAutoConfiguration.eventLoopDiagnostics(undertow::ioThreads, properties,
					autoOffload.getIfAvailable());
		}

	}

}
