package dev.workerclass.it;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Spring MVC app with the starter and no WebFlux, Reactor Netty or Netty: run in an execution
 * of its own whose class path has only Spring MVC on Tomcat, as an app that adds the starter to
 * {@code spring-boot-starter-web} has.
 */
class MvcOnlyIT {

	@Test
	void theClassPathHasNoSecondWebStack() {
		ClassLoader classLoader = getClass().getClassLoader();
		assertThat(ClassUtils.isPresent("org.springframework.web.reactive.DispatcherHandler", classLoader)).isFalse();
		assertThat(ClassUtils.isPresent("reactor.netty.http.server.HttpServer", classLoader)).isFalse();
		assertThat(ClassUtils.isPresent("io.netty.channel.Channel", classLoader)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual" })
	void theServletClassesServe(String workerClass) {
		try (RunningServer server = RunningServer.start(OneStackApp.class, "server.worker-class=" + workerClass)) {
			assertThat(server.get("/thread").statusCode()).isEqualTo(200);
			assertThat(server.context().getBean(dev.workerclass.workers.Workers.class).workerClass().canonicalName())
				.isEqualTo(workerClass);
		}
	}

	@Test
	void withoutAClassRequestsRunOnTomcatsOwnThreadsWithNoDeadline() {
		try (RunningServer server = RunningServer.start(OneStackApp.class, "server.timeout=1s")) {
			// As in plain Spring Boot: Tomcat's exec threads, and server.timeout (ignored) cuts nothing.
			var response = server.get("/thread?ms=1500");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).startsWith("platform http-nio-");
		}
	}

	@Test
	void reactiveFailsStartUpNamingTheWebFluxStarter() {
		SpringApplication application = new SpringApplication(OneStackApp.class);
		assertThatThrownBy(() -> application.run("--server.worker-class=reactive", "--server.port=0",
				"--server.address=127.0.0.1"))
			.satisfies((failure) -> {
				FailureAnalysis analysis = analyze(failure);
				assertThat(analysis.getDescription()).contains("server.worker-class=reactive")
					.contains("Spring WebFlux is not on the class path");
				assertThat(analysis.getAction()).contains("spring-boot-starter-webflux");
			});
	}

	static FailureAnalysis analyze(Throwable failure) {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(MvcOnlyIT.class.getClassLoader())
			.load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}));
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null && analyzer.getClass().getPackageName().startsWith("dev.workerclass")) {
				return analysis;
			}
		}
		throw new AssertionError("No workerclass failure analysis for " + failure);
	}

}
