package dev.workerclass.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.workerclass.actuate.WorkersEndpoint.DecisionDescriptor;
import dev.workerclass.actuate.WorkersEndpoint.FindingDescriptor;
import dev.workerclass.actuate.autoconfigure.WorkersEndpointAutoConfiguration;
import dev.workerclass.autoconfigure.WorkerClassAutoConfigurations;
import dev.workerclass.autoscale.Decision;
import dev.workerclass.autoscale.autoconfigure.AutoscaleAutoConfiguration;
import dev.workerclass.diagnostics.Finding;
import dev.workerclass.limit.autoconfigure.ConcurrencyLimitAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.AbstractApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code workers} endpoint's answer as actuator writes it, with actuator's own JSON mapper
 * (which leaves out nulls unless told otherwise): the same fields in the same order under every
 * class, {@code null} where a field does not apply, so that clients and exporters see one schema.
 */
class WorkersEndpointJsonTests {

	private static final List<String> FIELDS = List.of("workerClass", "engine", "workers", "threads",
			"workerConnections", "capacity", "busy", "idle", "queued", "maxQueued", "completed", "rejected",
			"timedOut", "timeout", "resizes", "maxWorkers", "startedAt", "uptime", "offload", "diagnostics", "limit",
			"autoscale");

	private static final List<String> LIMIT_FIELDS = List.of("algorithm", "current", "min", "max", "changes",
			"lineBound");

	private static final List<String> OFFLOAD_FIELDS = List.of("threads", "busy", "queued", "completed", "rejected",
			"timedOut");

	private static final List<String> DIAGNOSTICS_FIELDS = List.of("pinned", "carrierStarvation", "nativeCalls",
			"maxCarrierLag", "lastCarrierLag", "loops", "blockedLoops", "maxLoopLag", "lastLoopLag", "top");

	private static final AutoConfigurations CONFIGURATIONS = WorkerClassAutoConfigurations
		.with(WorkersEndpointAutoConfiguration.class, JacksonEndpointAutoConfiguration.class);

	private static final String EXPOSE = "management.endpoints.web.exposure.include=workers";

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual" })
	void everyServletClassWritesEveryField(String workerClass) {
		assertEveryField(new WebApplicationContextRunner(), workerClass);
	}

	@Test
	void theReactiveClassWritesEveryField() {
		assertEveryField(new ReactiveWebApplicationContextRunner(), "reactive");
	}

	@Test
	void withDiagnosticsOffTheirFieldIsWrittenAsNull() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(EXPOSE, "server.worker-class=virtual", "server.diagnostics.enabled=false")
			.run((context) -> {
				Map<String, Object> shown = write(context.getBean(EndpointJsonMapper.class).get(),
						context.getBean(WorkersEndpoint.class).workers());
				assertThat(shown.keySet()).containsExactlyElementsOf(FIELDS);
				assertThat(shown).containsEntry("diagnostics", null).containsEntry("threads", null);
			});
	}

	@Test
	void anAdaptiveLimitIsWrittenUnderLimitAndIsNullWithoutOne() {
		new WebApplicationContextRunner()
			.withConfiguration(WorkerClassAutoConfigurations.with(WorkersEndpointAutoConfiguration.class,
					JacksonEndpointAutoConfiguration.class, ConcurrencyLimitAutoConfiguration.class))
			.withPropertyValues(EXPOSE, "server.worker-class=virtual", "server.concurrency-limit.algorithm=vegas",
					"server.concurrency-limit.min=5")
			.run((context) -> {
				Map<String, Object> shown = write(context.getBean(EndpointJsonMapper.class).get(),
						context.getBean(WorkersEndpoint.class).workers());
				Map<String, Object> limit = map(shown.get("limit"));
				assertThat(limit.keySet()).containsExactlyElementsOf(LIMIT_FIELDS);
				assertThat(limit).containsEntry("algorithm", "vegas")
					.containsEntry("current", 20)
					.containsEntry("min", 5)
					.containsEntry("lineBound", 20);
			});
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(EXPOSE, "server.worker-class=virtual")
			.run((context) -> assertThat(write(context.getBean(EndpointJsonMapper.class).get(),
					context.getBean(WorkersEndpoint.class).workers()))
				.containsEntry("limit", null));
	}

	@Test
	void theAutoscalerIsWrittenUnderAutoscaleAndIsNullWhenOff() {
		new WebApplicationContextRunner()
			.withConfiguration(WorkerClassAutoConfigurations.with(WorkersEndpointAutoConfiguration.class,
					JacksonEndpointAutoConfiguration.class, AutoscaleAutoConfiguration.class))
			.withPropertyValues(EXPOSE, "server.worker-class=thread", "server.workers=2", "server.max-workers=9",
					"server.autoscale.enabled=true")
			.run((context) -> {
				context.start();
				Map<String, Object> shown = write(context.getBean(EndpointJsonMapper.class).get(),
						context.getBean(WorkersEndpoint.class).workers());
				Map<String, Object> autoscale = map(shown.get("autoscale"));
				assertThat(autoscale.keySet()).containsExactly("enabled", "minWorkers", "maxWorkers", "decisions",
						"last", "stopped");
				assertThat(autoscale).containsEntry("minWorkers", 2)
					.containsEntry("maxWorkers", 9)
					.containsEntry("decisions", 0)
					.containsEntry("last", null)
					.containsEntry("stopped", null);
			});
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(EXPOSE, "server.worker-class=thread")
			.run((context) -> assertThat(write(context.getBean(EndpointJsonMapper.class).get(),
					context.getBean(WorkersEndpoint.class).workers()))
				.containsEntry("autoscale", null));
	}

	@Test
	void aDecisionShowsWhenWhichWayFromToAndWhy() {
		Decision decision = new Decision(Decision.Direction.UP, 2, 5, "busy 92% over 3s, 14 waiting",
				Instant.parse("2026-01-01T00:00:00Z"));
		Map<String, Object> shown = write(JsonMapper.builder().build(), DecisionDescriptor.of(decision));
		assertThat(shown.keySet()).containsExactly("at", "direction", "from", "to", "reason");
		assertThat(shown).containsEntry("at", "2026-01-01T00:00:00Z")
			.containsEntry("direction", "up")
			.containsEntry("from", 2)
			.containsEntry("to", 5)
			.containsEntry("reason", "busy 92% over 3s, 14 waiting");
	}

	@Test
	void aFindingShowsItsKindByTheNameTheDocsUse() {
		Finding finding = new Finding(Finding.Kind.NATIVE_CALL, "blocked in a native call", List.of("a.B.c(B.java:1)"),
				3, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:01Z"),
				Duration.ofMillis(4094));
		Map<String, Object> shown = write(JsonMapper.builder().build(), FindingDescriptor.of(finding));
		assertThat(shown.keySet()).containsExactly("kind", "summary", "count", "longest", "lastSeen", "stack");
		assertThat(shown).containsEntry("kind", "native-call")
			.containsEntry("longest", "4094ms")
			.containsEntry("lastSeen", "2026-01-01T00:00:01Z");
	}

	private static void assertEveryField(AbstractApplicationContextRunner<?, ?, ?> runner, String workerClass) {
		runner.withConfiguration(CONFIGURATIONS)
			.withPropertyValues(EXPOSE, "server.worker-class=" + workerClass)
			.run((context) -> {
				Map<String, Object> shown = write(context.getBean(EndpointJsonMapper.class).get(),
						context.getBean(WorkersEndpoint.class).workers());
				assertThat(shown.keySet()).as(workerClass).containsExactlyElementsOf(FIELDS);
				assertThat(shown).containsEntry("workerClass", workerClass);
				assertThat(shown.get("threads") != null).as("threads under " + workerClass)
					.isEqualTo(workerClass.equals("thread"));
				assertThat(shown.get("workerConnections") != null).as("workerConnections under " + workerClass)
					.isEqualTo(workerClass.equals("virtual") || workerClass.equals("reactive"));
				assertThat(map(shown.get("offload")).keySet()).containsExactlyElementsOf(OFFLOAD_FIELDS);
				boolean watched = workerClass.equals("virtual") || workerClass.equals("reactive");
				if (watched) {
					Map<String, Object> diagnostics = map(shown.get("diagnostics"));
					assertThat(diagnostics.keySet()).containsExactlyElementsOf(DIAGNOSTICS_FIELDS);
					// The fields of the watch that does not run are there, as null.
					String absent = workerClass.equals("virtual") ? "blockedLoops" : "pinned";
					String present = workerClass.equals("virtual") ? "pinned" : "blockedLoops";
					assertThat(diagnostics.get(absent)).isNull();
					assertThat(diagnostics.get(present)).isNotNull();
				}
				else {
					assertThat(shown).containsEntry("diagnostics", null);
				}
			});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object object) {
		return (Map<String, Object>) object;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> write(JsonMapper json, Object answer) {
		return json.readValue(json.writeValueAsString(answer), LinkedHashMap.class);
	}

}
