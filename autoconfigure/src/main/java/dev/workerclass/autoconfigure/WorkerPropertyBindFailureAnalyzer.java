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

	private static final Map<String, String> EXPECTED = Map.of(
			"server.workers", "a whole number from 1 to " + WorkerSettings.MAX_WORKERS,
			"server.threads", "a whole number from 1 to " + WorkerSettings.MAX_PER_WORKER,
			"server.worker-connections", "a whole number from 1 to " + WorkerSettings.MAX_PER_WORKER,
			"server.backlog", "a whole number from 1 to 65535",
			"server.max-workers", "a whole number from 1 to " + WorkerSettings.MAX_WORKERS,
			"server.max-queued", "a whole number from 0 to " + WorkerSettings.MAX_CAPACITY,
			"server.keep-alive", "a duration, e.g. 5s or 500ms",
			"server.timeout", "a duration, e.g. 30s, or 0 for none",
			"server.offload-threads", "a whole number from 1 to " + WorkerSettings.MAX_PER_WORKER,
			"server.graceful-timeout", "a duration, e.g. 30s");

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
