package dev.workerclass.autoscale.autoconfigure;

import dev.workerclass.autoconfigure.OnRealServerCondition;
import dev.workerclass.autoconfigure.WorkerClassAutoConfiguration;
import dev.workerclass.autoscale.AutoscaleSettings;
import dev.workerclass.autoscale.Autoscaler;
import dev.workerclass.servlet.autoconfigure.ServletWorkersAutoConfiguration;
import dev.workerclass.webflux.autoconfigure.ReactiveWorkersAutoConfiguration;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.Workers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Autoscaling workers with {@code server.autoscale.enabled=true}: an {@link Autoscaler} on the
 * {@link Workers}, run while the server serves, a log line per decision and, with Micrometer, a
 * counter of decisions. Not in a test without a real server (a mock web environment), where the
 * workers serve nothing to scale for.
 */
@AutoConfiguration(after = { WorkerClassAutoConfiguration.class, ServletWorkersAutoConfiguration.class,
		ReactiveWorkersAutoConfiguration.class })
@ConditionalOnBooleanProperty("server.autoscale.enabled")
@Conditional(OnRealServerCondition.class)
@EnableConfigurationProperties(AutoscaleProperties.class)
public final class AutoscaleAutoConfiguration {

	private static final Log logger = LogFactory.getLog(Autoscaler.class);

	/**
	 * @throws InvalidWorkerSettingException without workers the starter runs (no
	 * {@code server.worker-class}), or for a {@code server.autoscale.*} value out of range
	 */
	@Bean(destroyMethod = "close")
	Autoscaler workersAutoscaler(ObjectProvider<Workers> workers, AutoscaleProperties properties) {
		Workers available = workers.getIfAvailable();
		if (available == null || available instanceof ObservedWorkers) {
			throw new InvalidWorkerSettingException("server.autoscale.enabled", true,
					"false, or set server.worker-class (sync, thread, virtual or reactive): without it the engine's"
							+ " own threads serve and there are no workers to resize");
		}
		AutoscaleSettings settings = properties.toSettings(available.settings());
		Autoscaler autoscaler = new Autoscaler(available, settings);
		autoscaler.onDecision((decision) -> logger.info("Autoscale: " + decision.describe()));
		autoscaler.onStopped((reason) -> logger.warn("Autoscale stopped: " + reason));
		return autoscaler;
	}

	@Bean
	AutoscalerLifecycle workersAutoscalerLifecycle(Autoscaler autoscaler) {
		return new AutoscalerLifecycle(autoscaler);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class MetersConfiguration {

		@Bean
		AutoscaleMeterBinder workersAutoscaleMeterBinder(Autoscaler autoscaler, Workers workers) {
			return new AutoscaleMeterBinder(autoscaler, workers.workerClass().canonicalName());
		}

	}

}
