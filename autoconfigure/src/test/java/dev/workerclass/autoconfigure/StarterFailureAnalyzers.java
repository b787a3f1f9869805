package dev.workerclass.autoconfigure;

import java.util.List;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** The starter's failure analyzers, as {@code spring.factories} registers them, for specs of bad settings. */
public final class StarterFailureAnalyzers {

	private StarterFailureAnalyzers() {
	}

	/** What the starter's analyzers say of {@code failure}; fails the test if none recognises it. */
	public static FailureAnalysis analyze(Throwable failure) {
		// Loaded from spring.factories, so that a missing registration fails too.
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(StarterFailureAnalyzers.class.getClassLoader())
			.load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}))
			.stream()
			.filter((analyzer) -> analyzer.getClass().getPackageName().startsWith("dev.workerclass"))
			.toList();
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		throw new AssertionError("No workerclass failure analyzer recognised " + failure);
	}

}
