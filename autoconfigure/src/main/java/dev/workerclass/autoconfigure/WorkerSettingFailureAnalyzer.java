package dev.workerclass.autoconfigure;

import dev.workerclass.workers.InvalidWorkerSettingException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a bad worker setting by name, value and what is valid, instead of a stack trace. */
class WorkerSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidWorkerSettingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidWorkerSettingException cause) {
		String description = "Invalid worker setting: " + cause.getProperty() + "=" + cause.getValue() + "\n\n"
				+ "Expected " + cause.getExpected() + ".";
		String action = "Update " + cause.getProperty() + " in your application's configuration: set it to "
				+ cause.getExpected() + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
