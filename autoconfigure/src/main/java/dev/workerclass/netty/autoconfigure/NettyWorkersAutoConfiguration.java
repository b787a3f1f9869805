package dev.workerclass.netty.autoconfigure;

import dev.workerclass.autoconfigure.WebServerEngine;
import dev.workerclass.autoconfigure.WorkerClassProperties;
import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.netty.NettyWorkersCustomizer;
import dev.workerclass.offload.AutoOffload;
import dev.workerclass.webflux.autoconfigure.ReactiveWorkersAutoConfiguration;
import dev.workerclass.workers.ReactiveWorkers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.reactor.netty.NettyWebServer;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Reactor Netty under the reactive class, the default engine: the server runs on the workers' own
 * event loops, which the diagnostics watch. Also names Reactor Netty's web server for the start-up
 * line and the endpoint.
 */
@AutoConfiguration(after = ReactiveWorkersAutoConfiguration.class,
		beforeName = { "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
				"org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration",
				"org.springframework.boot.jetty.autoconfigure.reactive.JettyReactiveWebServerAutoConfiguration" })
@ConditionalOnClass(name = { "reactor.netty.http.server.HttpServer",
		"org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory" })
@ConditionalOnWebApplication(type = Type.REACTIVE)
public final class NettyWorkersAutoConfiguration {

	@Bean
	WebServerEngine nettyWebServerEngine() {
		return new WebServerEngine("Netty", NettyWebServer.class);
	}

	/**
	 * Reactor Netty, chosen explicitly: with Tomcat on the class path too, Spring Boot would
	 * otherwise pick a reactive server by the order of its auto-configuration names.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ReactiveWorkers.class)
	@ConditionalOnProperty(name = "server.engine", havingValue = "netty", matchIfMissing = true)
	static class ReactiveWorkersConfiguration {

		@Bean
		NettyWorkersCustomizer nettyWorkersCustomizer(ReactiveWorkers workers) {
			return new NettyWorkersCustomizer(workers);
		}

		/** Event loops that run one task too long, with the stack of what blocks them. */
		@Bean
		@ConditionalOnMissingBean
		WorkersDiagnostics workersDiagnostics(NettyWorkersCustomizer netty, WorkerClassProperties properties,
				ObjectProvider<AutoOffload> autoOffload) {
			return ReactiveWorkersAutoConfiguration.eventLoopDiagnostics(netty.loops()::activeExecutors, properties,
					autoOffload.getIfAvailable());
		}

		@Bean
		@ConditionalOnMissingBean(ReactiveWebServerFactory.class)
		NettyReactiveWebServerFactory nettyReactiveWebServerFactory(ObjectProvider<NettyRouteProvider> routes,
				ObjectProvider<NettyServerCustomizer> customizers) {
			// No ReactorResourceFactory: the server would run on its shared loops instead of
			// the workers' own (NettyWebServer applies it after every customizer).
			NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
			routes.orderedStream().forEach(factory::addRouteProviders);
			factory.getServerCustomizers().addAll(customizers.orderedStream().toList());
			return factory;
		}

	}

}
