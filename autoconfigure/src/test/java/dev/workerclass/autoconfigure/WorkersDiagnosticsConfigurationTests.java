package dev.workerclass.autoconfigure;

import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.workers.InvalidWorkerSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** Which diagnostics run for which class, and what a bad threshold gets. */
class WorkersDiagnosticsConfigurationTests {

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(WorkerClassAutoConfigurations.with());

	@Test
	void virtualWatchesItsCarriers() {
		this.servlet.withPropertyValues("server.worker-class=virtual").run((context) -> {
			WorkersDiagnostics diagnostics = context.getBean(WorkersDiagnostics.class);
			assertThat(diagnostics.watchesVirtualThreads()).isTrue();
			assertThat(diagnostics.isRunning()).isTrue();
			assertThat(diagnostics.virtualThreadReport()).isPresent();
			assertThat(diagnostics.eventLoopReport()).isEmpty();
		});
	}

	@Test
	void aStoppedContextWatchesAgainOnceRestarted() {
		// The test framework's context cache stops a context another test class displaced, then
		// starts it again when a later class reuses it.
		this.servlet.withPropertyValues("server.worker-class=virtual").run((context) -> {
			WorkersDiagnostics diagnostics = context.getBean(WorkersDiagnostics.class);
			assertThat(diagnostics.isRunning()).isTrue();
			context.stop();
			assertThat(diagnostics.isRunning()).isFalse();
			context.start();
			assertThat(diagnostics.isRunning()).isTrue();
			assertThat(diagnostics.virtualThreadReport()).isPresent();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread" })
	void platformThreadClassesWatchNothing(String workerClass) {
		this.servlet.withPropertyValues("server.worker-class=" + workerClass).run((context) -> {
			WorkersDiagnostics diagnostics = context.getBean(WorkersDiagnostics.class);
			assertThat(diagnostics.watchesVirtualThreads()).isFalse();
			assertThat(diagnostics.watchesEventLoops()).isFalse();
			assertThat(diagnostics.virtualThreadReport()).isEmpty();
			assertThat(diagnostics.eventLoopReport()).isEmpty();
		});
	}

	@Test
	void diagnosticsCanBeTurnedOff() {
		this.servlet.withPropertyValues("server.worker-class=virtual", "server.diagnostics.enabled=false")
			.run((context) -> assertThat(context.getBean(WorkersDiagnostics.class).watchesVirtualThreads()).isFalse());
	}

	@ParameterizedTest
	@ValueSource(strings = { "server.diagnostics.carrier-lag-threshold=0ms",
			"server.diagnostics.blocked-loop-threshold=-1s" })
	void aThresholdOfZeroOrLessFailsStartUpWithAnAnalysis(String property) {
		this.servlet.withPropertyValues("server.worker-class=virtual", property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new WorkerSettingFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(property.substring(0, property.indexOf('=')))
				.contains("a positive duration");
			assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(InvalidWorkerSettingException.class);
		});
	}

}
