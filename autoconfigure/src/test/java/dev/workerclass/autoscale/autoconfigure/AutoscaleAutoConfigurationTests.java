package dev.workerclass.autoscale.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.workerclass.autoconfigure.WorkerClassAutoConfigurations;
import dev.workerclass.autoscale.AutoscaleSettings;
import dev.workerclass.autoscale.Autoscaler;
import dev.workerclass.workers.Workers;
import io.micrometer.core.instrument.MeterRegistry;
import dev.workerclass.autoconfigure.StarterFailureAnalyzers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Specification of {@link AutoscaleAutoConfiguration}: off unless asked for, on with
 * {@code server.autoscale.*}, a bad value reported by name, decisions logged and counted.
 */
@ExtendWith(OutputCaptureExtension.class)
class AutoscaleAutoConfigurationTests {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(WorkerClassAutoConfigurations.with(AutoscaleAutoConfiguration.class));

	/** Idle workers above the minimum, with windows short enough to shrink them within a second. */
	private static final String[] SHRINKING = { "server.worker-class=thread", "server.workers=4",
			"server.threads=2", "server.autoscale.enabled=true", "server.autoscale.min-workers=1",
			"server.autoscale.interval=10ms", "server.autoscale.grow-after=100ms",
			"server.autoscale.shrink-after=200ms", "server.autoscale.cooldown=100ms" };

	@Test
	void isOffByDefault() {
		this.servlet.withPropertyValues("server.worker-class=thread")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(Autoscaler.class));
	}

	@Test
	void runsWithTheWorkersWhenEnabled() {
		this.servlet
			.withPropertyValues("server.worker-class=thread", "server.workers=2", "server.max-workers=8",
					"server.autoscale.enabled=true", "server.autoscale.min-workers=1",
					"server.autoscale.interval=50ms", "server.autoscale.grow-after=1s",
					"server.autoscale.shrink-after=2s", "server.autoscale.cooldown=1500ms",
					"server.autoscale.grow-above=0.75", "server.autoscale.shrink-below=0.1")
			.run((context) -> {
				Autoscaler autoscaler = context.getBean(Autoscaler.class);
				assertThat(autoscaler.settings()).isEqualTo(new AutoscaleSettings(Duration.ofMillis(50),
						Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(1500), 0.75, 0.1, 1, 8));
				assertThat(autoscaler.isRunning()).isTrue();
				assertThat(autoscaler.report().enabled()).isTrue();
			});
	}

	@Test
	void theMinimumDefaultsToServerWorkersAndTheCeilingIsServerMaxWorkers() {
		this.servlet.withPropertyValues("server.worker-class=virtual", "server.workers=3", "server.autoscale.enabled=true")
			.run((context) -> {
				AutoscaleSettings settings = context.getBean(Autoscaler.class).settings();
				assertThat(settings).isEqualTo(AutoscaleSettings.defaults(3, 16));
			});
	}

	@Test
	void runsForTheReactiveClassToo() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(WorkerClassAutoConfigurations.with(AutoscaleAutoConfiguration.class))
			.withPropertyValues("server.worker-class=reactive", "server.workers=2", "server.autoscale.enabled=true")
			.run((context) -> assertThat(context.getBean(Autoscaler.class).isRunning()).isTrue());
	}

	@Test
	void stopsWithTheContext() {
		this.servlet.withPropertyValues(SHRINKING).run((context) -> {
			Autoscaler autoscaler = context.getBean(Autoscaler.class);
			assertThat(autoscaler.isRunning()).isTrue();
			context.close();
			assertThat(autoscaler.isRunning()).isFalse();
		});
	}

	@Test
	void isOffInAMockWebTest() {
		// What the environment post-processor sets for @WebMvcTest and a mock @SpringBootTest.
		this.servlet.withPropertyValues("server.worker-class=thread", "server.autoscale.enabled=true",
				"workerclass.mock-web-test=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(Autoscaler.class));
	}

	@Test
	void enabledWithoutAWorkerClassFailsSayingToSetOne() {
		this.servlet.withPropertyValues("server.autoscale.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("server.autoscale.enabled=true")
				.contains("set server.worker-class");
		});
	}

	@Test
	void aBadValueFailsStartUpNamingTheProperty() {
		this.servlet.withPropertyValues("server.worker-class=thread", "server.autoscale.enabled=true",
				"server.autoscale.grow-above=2")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("server.autoscale.grow-above=2.0")
					.contains("at most 1");
				assertThat(analysis.getAction()).contains("Update server.autoscale.grow-above");
			});
		this.servlet.withPropertyValues("server.worker-class=thread", "server.max-workers=8",
				"server.autoscale.enabled=true", "server.autoscale.min-workers=9")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("server.autoscale.min-workers=9")
				.contains("server.max-workers (8)"));
		this.servlet.withPropertyValues("server.worker-class=thread", "server.autoscale.enabled=true",
				"server.autoscale.shrink-after=0")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("server.autoscale.shrink-after=PT0S")
				.contains("a positive duration"));
	}

	@Test
	void aValueThatIsNotANumberFailsStartUpSayingWhatIsValid() {
		this.servlet.withPropertyValues("server.worker-class=thread", "server.autoscale.enabled=true",
				"server.autoscale.interval=soon")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("server.autoscale.interval=soon")
				.contains("a positive duration, e.g. 100ms"));
	}

	@Test
	void logsAndCountsEachDecision(CapturedOutput output) {
		this.servlet
			.withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(
					MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class))
			.withPropertyValues(SHRINKING)
			.run((context) -> {
				Workers workers = context.getBean(Workers.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(counted(registry, "down")).isZero();
				await().atMost(PATIENCE).until(() -> workers.settings().workers() == 1);
				await().atMost(PATIENCE).until(() -> counted(registry, "down") == 1);
				assertThat(counted(registry, "up")).isZero();
				assertThat(output).containsOnlyOnce("Autoscale: 4 -> 1 workers (busy 0% over 200ms)");
			});
	}

	private static double counted(MeterRegistry registry, String direction) {
		return registry.get("workers.autoscale.decisions")
			.tag("worker.class", "thread")
			.tag("direction", direction)
			.counter()
			.count();
	}

	static FailureAnalysis analyze(Throwable failure) {
		return StarterFailureAnalyzers.analyze(failure);
	}

}
