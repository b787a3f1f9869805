package dev.workerclass.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Names the worker class and the starter it needs, instead of a stack trace. */
class MissingWebStackFailureAnalyzer extends AbstractFailureAnalyzer<MissingWebStackException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingWebStackException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
