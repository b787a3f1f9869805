package dev.workerclass.realapp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Under {@code server.worker-class=reactive} this app must not start: its handlers take
 * {@code RedirectAttributes} and {@code ModelMap} and return {@code ModelAndView}, which WebFlux
 * cannot run. Start-up fails with a failure analysis that names each such method. Runs only in the
 * reactive surefire execution, which puts WebFlux on the class path next to the app's Tomcat.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReactiveRefusesThisAppTests {

	@Test
	void startUpFailsNamingTheHandlersWebFluxCannotRun(CapturedOutput output) {
		Throwable failure = startUnderReactive();

		assertThat(causes(failure)).as("the starter's exception in the cause chain of %s", failure)
			.anySatisfy((cause) -> assertThat(cause.getClass().getName()).startsWith("dev.workerclass.")
				.endsWith("Exception"));

		List<String> descriptions = analyze(failure).stream().map(FailureAnalysis::getDescription).toList();
		assertThat(descriptions).as("failure analyses of %s", failure)
			.anySatisfy((description) -> assertThat(description).contains("addOwner", "RedirectAttributes",
					"showOwner", "ModelAndView", "initCreationForm", "ModelMap"));

		// What the user sees in the log.
		assertThat(output).contains("APPLICATION FAILED TO START", "addOwner", "RedirectAttributes");
	}

	private static Throwable startUnderReactive() {
		SpringApplication application = new SpringApplication(RealApplication.class);
		ConfigurableApplicationContext context;
		try {
			context = application.run("--server.worker-class=reactive", "--server.port=0");
		}
		catch (RuntimeException ex) {
			return ex;
		}
		try (context) {
			return fail("started under reactive as a %s on %s", context.getClass().getSimpleName(),
					context.getEnvironment().getProperty("local.server.port"));
		}
	}

	/** Applies every registered failure analyzer, as Spring Boot does when start-up fails. */
	private static List<FailureAnalysis> analyze(Throwable failure) {
		ClassLoader classLoader = ReactiveRefusesThisAppTests.class.getClassLoader();
		ArgumentResolver arguments = ArgumentResolver.of(Environment.class, new StandardEnvironment())
			.and(BeanFactory.class, new DefaultListableBeanFactory());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(classLoader)
			.load(FailureAnalyzer.class, arguments, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
				// An analyzer that cannot be built here is not the one this test looks for.
			}));
		return analyzers.stream().map((analyzer) -> analyzer.analyze(failure)).filter(Objects::nonNull).toList();
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !causes.contains(cause); cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

}
