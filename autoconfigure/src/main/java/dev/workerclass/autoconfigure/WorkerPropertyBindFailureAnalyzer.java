package dev.workerclass.autoconfigure;

import java.util.Map;

import dev.workerclass.workers.WorkerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * A worker setting that cannot even be converted ({@code server.workers=abc}): Spring Boot's own
 * report names the property and the value; this one also says what a valid value looks like.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class WorkerPropertyBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

	private static final Map<String, String> EXPECTED = Map.ofEntries(
			Map.entry("server.workers", "a whole number from 1 to " + WorkerSettings.MAX_WORKERS),
			Map.entry("server.threads", "a whole number from 1 to " + WorkerSettings.MAX_PER_WORKER),
			Map.entry("server.worker-connections", "a whole number from 1 to " + WorkerSettings.MAX_PER_WORKER),
			Map.entry("server.backlog", "a whole number from 1 to 65535"),
			Map.entry("server.max-workers", "a whole number from 1 to " + WorkerSettings.MAX_WORKERS),
			Map.entry("server.max-queued", "a whole number from 0 to " + WorkerSettings.MAX_CAPACITY),
			Map.entry("server.keep-alive", "a duration, e.g. 5s or 500ms"),
			Map.entry("server.timeout", "a duration, e.g. 30s, or 0 for none"),
			Map.entry("server.offload-threads", "a whole number from 1 to " + WorkerSettings.MAX_PER_WORKER),
			Map.entry("server.graceful-timeout", "a duration, e.g. 30s"),
			Map.entry("server.concurrency-limit.algorithm", "one of fixed, aimd, gradient or vegas"),
			Map.entry("server.concurrency-limit.min", "a whole number from 1 to server.concurrency-limit.max"),
			Map.entry("server.concurrency-limit.max", "a whole number from 1 to the capacity at server.max-workers"),
			Map.entry("server.autoscale.enabled", "true or false"),
			Map.entry("server.autoscale.min-workers", "a whole number from 1 to server.max-workers"),
			Map.entry("server.autoscale.interval", "a positive duration, e.g. 100ms"),
			Map.entry("server.autoscale.grow-after", "a positive duration, e.g. 3s"),
			Map.entry("server.autoscale.shrink-after", "a positive duration, e.g. 10s"),
			Map.entry("server.autoscale.cooldown", "a positive duration, e.g. 10s"),
			Map.entry("server.autoscale.grow-above", "a busy share above 0 and at most 1, e.g. 0.5 for 50%"),
			Map.entry("server.autoscale.shrink-below",
					"a busy share above 0 and below server.autoscale.grow-above, e.g. 0.25 for 25%"));

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		String name = cause.getName().toString();
		String expected = EXPECTED.get(name);
		if (expected == null) {
			return null;
		}
		ConfigurationProperty property = cause.getProperty();
		String value = (property != null) ? String.valueOf(property.getValue()) : "?";
		String origin = (property != null && property.getOrigin() != null) ? " (from " + property.getOrigin() + ")" : "";
		String description = "Invalid worker setting: " + name + "=" + value + origin + "\n\n" + "Expected " + expected
				+ ".";
		String action = "Update " + name + " in your application's configuration: set it to " + expected + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
