package dev.workerclass.limit.autoconfigure;

import dev.workerclass.autoconfigure.OnRealServerCondition;
import dev.workerclass.autoconfigure.WorkerClassAutoConfiguration;
import dev.workerclass.autoconfigure.WorkerClassProperties;
import dev.workerclass.limit.AdaptiveLimit;
import dev.workerclass.limit.LimitAlgorithm;
import dev.workerclass.limit.LimitSettings;
import dev.workerclass.servlet.autoconfigure.ServletWorkersAutoConfiguration;
import dev.workerclass.webflux.autoconfigure.ReactiveWorkersAutoConfiguration;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The adaptive concurrency limit, when {@code server.concurrency-limit.algorithm} names one: an
 * {@link AdaptiveLimit} on the workers. Off in mock web tests, which have no real server.
 */
@AutoConfiguration(after = { WorkerClassAutoConfiguration.class, ServletWorkersAutoConfiguration.class,
		ReactiveWorkersAutoConfiguration.class })
@Conditional({ OnRealServerCondition.class, OnAdaptiveLimitCondition.class })
@ConditionalOnBean(Workers.class)
@EnableConfigurationProperties(ConcurrencyLimitProperties.class)
public final class ConcurrencyLimitAutoConfiguration {

	private static final Log logger = LogFactory.getLog(ConcurrencyLimitAutoConfiguration.class);

	@Bean(destroyMethod = "stop")
	AdaptiveLimit adaptiveLimit(Workers workers, WorkerSettings settings, ConcurrencyLimitProperties properties,
			WorkerClassProperties server) {
		LimitAlgorithm algorithm = properties.getAlgorithm();
		if (workers instanceof ObservedWorkers) {
			// No class set: requests run as in plain Boot, with no slots to enforce a limit.
			throw new InvalidWorkerSettingException("server.concurrency-limit.algorithm", algorithm.value(),
					"fixed while server.worker-class is not set: the limit is enforced by the worker class's slots,"
							+ " so set server.worker-class (e.g. virtual) to use " + algorithm.value());
		}
		LimitSettings limit = LimitSettings.resolve(algorithm, properties.getMin(), properties.getMax(),
				(int) Math.min(Integer.MAX_VALUE, settings.capacityOf(settings.maxWorkers())), settings.timeout());
		if (server.getMaxQueued() == null) {
			// A line ten times the capacity would queue what the limit keeps out: it follows the limit.
			workers.followLimitWithLine();
		}
		AdaptiveLimit adaptive = new AdaptiveLimit(workers, limit);
		logger.info("Concurrency limit: " + algorithm.value() + ", from " + limit.min() + " to " + limit.max()
				+ " requests in flight, starting at " + limit.initial());
		return adaptive;
	}

}
