package dev.workerclass.limit.autoconfigure;

import dev.workerclass.autoconfigure.StarterFailureAnalyzers;
import dev.workerclass.autoconfigure.WorkerClassAutoConfigurations;
import dev.workerclass.limit.AdaptiveLimit;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.Workers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Specification of {@link ConcurrencyLimitAutoConfiguration}: {@code server.concurrency-limit.*}.
 */
class ConcurrencyLimitAutoConfigurationTests {

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(WorkerClassAutoConfigurations.with(ConcurrencyLimitAutoConfiguration.class));

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(WorkerClassAutoConfigurations.with(ConcurrencyLimitAutoConfiguration.class));

	@Test
	void fixedByDefaultTheCapacityIsTheLimit() {
		this.servlet.withPropertyValues("server.worker-class=virtual").run((context) -> {
			assertThat(context).doesNotHaveBean(AdaptiveLimit.class);
			Workers workers = context.getBean(Workers.class);
			assertThat(workers.admitting()).isEqualTo(workers.snapshot().capacity());
		});
	}

	@Test
	void anAlgorithmStartsTheLimitAtTwentyAndTheLineFollowsIt() {
		this.servlet
			.withPropertyValues("server.worker-class=virtual", "server.concurrency-limit.algorithm=gradient",
					"server.concurrency-limit.min=8", "server.concurrency-limit.max=300")
			.run((context) -> {
				AdaptiveLimit limit = context.getBean(AdaptiveLimit.class);
				assertThat(limit.report().algorithm()).isEqualTo("gradient");
				assertThat(limit.report().min()).isEqualTo(8);
				assertThat(limit.report().max()).isEqualTo(300);
				Workers workers = context.getBean(Workers.class);
				assertThat(workers.admitting()).isEqualTo(20);
				assertThat(workers.lineBound()).isEqualTo(20);
			});
	}

	@Test
	void theMaximumDefaultsToTheCapacityAtMaxWorkersAndAnExplicitLineStays() {
		this.servlet
			.withPropertyValues("server.worker-class=thread", "server.threads=10", "server.max-workers=6",
					"server.max-queued=77", "server.concurrency-limit.algorithm=AIMD")
			.run((context) -> {
				AdaptiveLimit limit = context.getBean(AdaptiveLimit.class);
				assertThat(limit.report().max()).isEqualTo(60);
				assertThat(limit.report().min()).isEqualTo(20);
				assertThat(context.getBean(Workers.class).lineBound()).isEqualTo(77);
			});
	}

	@Test
	void theReactiveClassTakesALimitToo() {
		this.reactive
			.withPropertyValues("server.worker-class=reactive", "server.concurrency-limit.algorithm=vegas")
			.run((context) -> assertThat(context.getBean(Workers.class).admitting()).isEqualTo(20));
	}

	@Test
	void aMaximumAboveTheCapacityAtMaxWorkersFailsNamingTheProperty() {
		this.servlet
			.withPropertyValues("server.worker-class=sync", "server.workers=2", "server.max-workers=4",
					"server.concurrency-limit.algorithm=gradient", "server.concurrency-limit.max=5")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidWorkerSettingException.class)
				.hasMessageContaining("server.concurrency-limit.max")
				.hasMessageContaining("1 to 4"));
	}

	@Test
	void anUnknownAlgorithmFailsToBindAndTheAnalysisSaysWhatIsValid() {
		this.servlet.withPropertyValues("server.worker-class=virtual", "server.concurrency-limit.algorithm=fast")
			.run((context) -> {
				assertThat(bindFailure(context.getStartupFailure())).isNotNull()
					.satisfies((bind) -> assertThat(bind.getName().toString())
						.isEqualTo("server.concurrency-limit.algorithm"));
				FailureAnalysis analysis = StarterFailureAnalyzers.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("server.concurrency-limit.algorithm=fast")
					.contains("one of fixed, aimd, gradient or vegas");
			});
	}

	@Test
	void aBadMinimumIsAnalysedWithTheRangeThatIsValid() {
		this.servlet
			.withPropertyValues("server.worker-class=virtual", "server.concurrency-limit.algorithm=aimd",
					"server.concurrency-limit.min=0")
			.run((context) -> assertThat(StarterFailureAnalyzers.analyze(context.getStartupFailure())
				.getDescription()).contains("server.concurrency-limit.min=0").contains("a whole number from 1 to"));
	}

	@Test
	void withoutAClassAnAdaptiveLimitFailsSayingToSetOne() {
		this.servlet.withPropertyValues("server.concurrency-limit.algorithm=gradient")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidWorkerSettingException.class)
				.hasMessageContaining("server.worker-class"));
	}

	@Test
	void aMockWebTestGetsNoLimit() {
		this.servlet
			.withPropertyValues("server.worker-class=virtual", "server.concurrency-limit.algorithm=gradient",
					"workerclass.mock-web-test=true")
			.run((context) -> assertThat(context).doesNotHaveBean(AdaptiveLimit.class));
	}

	private static BindException bindFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof BindException bind) {
				return bind;
			}
		}
		return null;
	}

}
