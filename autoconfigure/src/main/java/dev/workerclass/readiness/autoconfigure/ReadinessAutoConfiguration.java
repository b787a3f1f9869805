package dev.workerclass.readiness.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.workerclass.autoconfigure.WorkerClassAutoConfiguration;
import dev.workerclass.readiness.Readiness;
import dev.workerclass.servlet.autoconfigure.ServletWorkersAutoConfiguration;
import dev.workerclass.webflux.autoconfigure.ReactiveWorkersAutoConfiguration;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.RequestPool;
import dev.workerclass.workers.Workers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Readiness: whether this instance wants work ({@link Readiness}, read by the {@code workers}
 * health indicator), the indicator's place in the readiness group, and the drain on shutdown.
 * <p>
 * Ordered after Spring Boot's availability probes, which create the liveness and readiness
 * groups: the readiness group must exist before {@code workers} can join it.
 */
@AutoConfiguration(
		after = { WorkerClassAutoConfiguration.class, ServletWorkersAutoConfiguration.class,
				ReactiveWorkersAutoConfiguration.class },
		afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration")
@ConditionalOnBean(Workers.class)
@EnableConfigurationProperties(ReadinessProperties.class)
public final class ReadinessAutoConfiguration {

	static final String SHUTDOWN_PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

	@Bean
	@ConditionalOnBooleanProperty(name = "server.readiness.enabled", matchIfMissing = true)
	Readiness workersReadiness(Workers workers, ObjectProvider<OffloadWorkers> offload, ReadinessProperties properties) {
		Duration hold = properties.getHold();
		if (hold.isNegative()) {
			throw new InvalidWorkerSettingException("server.readiness.hold", hold,
					"a duration of 0 or more, e.g. 5s (how long after a 503 the instance stays out of rotation)");
		}
		List<RequestPool> pools = new ArrayList<>();
		pools.add(workers);
		offload.ifAvailable(pools::add);
		return new Readiness(pools, hold);
	}

	@Bean
	DrainOnShutdown workersDrainOnShutdown(ObjectProvider<Readiness> readiness, ReadinessProperties properties,
			Environment environment) {
		Duration delay = properties.getDrainDelay();
		if (delay.isNegative()) {
			throw new InvalidWorkerSettingException("server.readiness.drain-delay", delay,
					"a duration of 0 or more, e.g. 10s (how long readiness is down before the listener closes)");
		}
		Duration phase = Binder.get(environment)
			.bind(SHUTDOWN_PHASE_TIMEOUT, Duration.class)
			.orElse(Duration.ofSeconds(30));
		if (delay.compareTo(phase) >= 0) {
			// The lifecycle processor gives each shutdown phase this long: a longer delay would be cut short.
			throw new InvalidWorkerSettingException("server.readiness.drain-delay", delay,
					"a duration shorter than " + SHUTDOWN_PHASE_TIMEOUT + " (" + phase
							+ "), or raise that (or server.graceful-timeout) above the delay");
		}
		return new DrainOnShutdown(readiness.getIfAvailable(), delay);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthEndpointGroupsPostProcessor.class)
	// Not @ConditionalOnBean(Readiness.class): a member class is read before its outer class's beans.
	@ConditionalOnBooleanProperty(name = "server.readiness.enabled", matchIfMissing = true)
	@ConditionalOnEnabledHealthIndicator("workers")
	static class ReadinessGroupConfiguration {

		/**
		 * Adds {@code workers} to the readiness group unless the user set that group's members
		 * ({@code management.endpoint.health.group.readiness.include} or {@code exclude}): their
		 * list stands, as it does for Spring Boot's own probes. No {@code @Order}: it runs last,
		 * after Boot's probes post-processor has created the group.
		 */
		@Bean
		HealthEndpointGroupsPostProcessor workersReadinessGroupPostProcessor(
				ObjectProvider<HealthEndpointProperties> properties) {
			return (groups) -> {
				HealthEndpointProperties health = properties.getIfAvailable();
				HealthEndpointProperties.Group readiness = (health != null)
						? health.getGroup().get(WorkersReadinessGroups.READINESS) : null;
				boolean explicit = readiness != null
						&& (readiness.getInclude() != null || readiness.getExclude() != null);
				return explicit ? groups : new WorkersReadinessGroups(groups, "workers");
			};
		}

	}

}
