package dev.workerclass.actuate.autoconfigure;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import dev.workerclass.actuate.WorkersEndpoint;
import dev.workerclass.actuate.WorkersHealthIndicator;
import dev.workerclass.actuate.WorkersInfoContributor;
import dev.workerclass.actuate.WorkersMeterBinder;
import dev.workerclass.actuate.WorkersRequestValidator;
import dev.workerclass.autoconfigure.WebServerEngine;
import dev.workerclass.autoscale.Autoscaler;
import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.limit.AdaptiveLimit;
import dev.workerclass.offload.AutoOffload;
import dev.workerclass.readiness.Readiness;
import dev.workerclass.servlet.autoconfigure.ServletWorkersAutoConfiguration;
import dev.workerclass.webflux.autoconfigure.ReactiveWorkersAutoConfiguration;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.Workers;
import dev.workerclass.workload.WorkloadAdvice;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The workers in actuator: the {@code workers} endpoint, Micrometer meters, a health indicator and
 * an info contributor. They read snapshots and call resize; they never reach into an engine.
 */
@AutoConfiguration(after = { ServletWorkersAutoConfiguration.class, ReactiveWorkersAutoConfiguration.class })
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(Workers.class)
public final class WorkersEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(WorkersEndpoint.class)
	WorkersEndpoint workersEndpoint(Workers workers, ObjectProvider<OffloadWorkers> offload,
			ObjectProvider<WorkersDiagnostics> diagnostics, ObjectProvider<AdaptiveLimit> limit,
			ObjectProvider<Autoscaler> autoscaler, ObjectProvider<WorkloadAdvice> workload,
			ObjectProvider<AutoOffload> autoOffload, ApplicationContext context) {
		return new WorkersEndpoint(workers, Optional.ofNullable(offload.getIfAvailable()), engineName(context),
				Optional.ofNullable(diagnostics.getIfAvailable()), Optional.ofNullable(limit.getIfAvailable()),
				Optional.ofNullable(autoscaler.getIfAvailable()), Optional.ofNullable(workload.getIfAvailable()),
				Optional.ofNullable(autoOffload.getIfAvailable()));
	}

	@Bean
	@ConditionalOnAvailableEndpoint(WorkersEndpoint.class)
	WorkersRequestValidator workersRequestValidator() {
		return new WorkersRequestValidator();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnEnabledInfoContributor("workers")
	WorkersInfoContributor workersInfoContributor(Workers workers, ApplicationContext context) {
		return new WorkersInfoContributor(workers, engineName(context));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class MetersConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WorkersMeterBinder workersMeterBinder(Workers workers, ObjectProvider<OffloadWorkers> offload,
				ObjectProvider<WorkersDiagnostics> diagnostics) {
			return new WorkersMeterBinder(workers, Optional.ofNullable(offload.getIfAvailable()),
					Optional.ofNullable(diagnostics.getIfAvailable()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnEnabledHealthIndicator("workers")
		WorkersHealthIndicator workersHealthIndicator(Workers workers, ObjectProvider<Readiness> readiness) {
			return new WorkersHealthIndicator(workers, readiness.getIfAvailable());
		}

	}

	/** The engine's name in lower case ({@code tomcat}, {@code jetty}, {@code netty}), once the server exists. */
	static Supplier<String> engineName(ApplicationContext context) {
		return () -> {
			if (context instanceof WebServerApplicationContext web && web.getWebServer() != null) {
				return WebServerEngine
					.nameOf(web.getWebServer(), context.getBeanProvider(WebServerEngine.class).orderedStream())
					.toLowerCase(Locale.ROOT);
			}
			return "unknown";
		};
	}

}
