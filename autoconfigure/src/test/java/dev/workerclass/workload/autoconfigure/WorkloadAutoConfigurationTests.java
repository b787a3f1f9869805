package dev.workerclass.workload.autoconfigure;

import dev.workerclass.autoconfigure.StarterFailureAnalyzers;
import dev.workerclass.autoconfigure.WorkerClassAutoConfigurations;
import dev.workerclass.workload.Advice;
import dev.workerclass.workload.Workload;
import dev.workerclass.workload.WorkloadAdvice;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Specification of {@link WorkloadAutoConfiguration}: on by default with one request in
 * {@value WorkloadProperties#DEFAULT_SAMPLE_EVERY} measured, off with
 * {@code server.workload.enabled=false}, a bad value reported by name.
 */
class WorkloadAutoConfigurationTests {

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(WorkerClassAutoConfigurations.with(WorkloadAutoConfiguration.class));

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(WorkerClassAutoConfigurations.with(WorkloadAutoConfiguration.class));

	@Test
	void measuresOneRequestInTwentyByDefaultAndHasNotSeenEnoughWithNoTraffic() {
		this.servlet.withPropertyValues("server.worker-class=thread").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(Workload.class);
			assertThat(context.getBean(Workload.class).sampleEvery()).isEqualTo(20);
			Advice advice = context.getBean(WorkloadAdvice.class).advice();
			assertThat(advice.verdict()).isEqualTo(Advice.Verdict.NOT_ENOUGH);
			assertThat(advice.why()).startsWith("Not seen enough yet: 0 requests measured of the 200 needed");
			assertThat(context.getBean(WorkloadLifecycle.class).isRunning()).isTrue();
		});
	}

	@Test
	void runsWithNoClassSetAndUnderReactive() {
		this.servlet.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Workload.class));
		this.reactive.withPropertyValues("server.worker-class=reactive")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Workload.class));
	}

	@Test
	void isOffWhenDisabled() {
		this.servlet.withPropertyValues("server.worker-class=thread", "server.workload.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(Workload.class)
				.doesNotHaveBean(WorkloadAdvice.class));
	}

	@Test
	void takesTheSampleRate() {
		this.servlet.withPropertyValues("server.worker-class=virtual", "server.workload.sample-every=1")
			.run((context) -> assertThat(context.getBean(Workload.class).sampleEvery()).isEqualTo(1));
	}

	@Test
	void aBadValueIsReportedByName() {
		this.servlet.withPropertyValues("server.workload.sample-every=0")
			.run((context) -> assertThat(StarterFailureAnalyzers.analyze(context.getStartupFailure()).getDescription())
				.contains("server.workload.sample-every"));
		this.servlet.withPropertyValues("server.workload.sample-interval=0ms")
			.run((context) -> assertThat(StarterFailureAnalyzers.analyze(context.getStartupFailure()).getDescription())
				.contains("server.workload.sample-interval"));
		this.servlet.withPropertyValues("server.workload.min-samples=0")
			.run((context) -> assertThat(StarterFailureAnalyzers.analyze(context.getStartupFailure()).getDescription())
				.contains("server.workload.min-samples"));
	}

}
