package dev.workerclass.it;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A WebFlux app with the starter and no servlet container or Spring MVC: run in an execution of
 * its own whose class path has only WebFlux on Reactor Netty.
 */
class WebFluxOnlyIT {

	@Test
	void theClassPathHasNoServletStack() {
		ClassLoader classLoader = getClass().getClassLoader();
		assertThat(ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", classLoader)).isFalse();
		assertThat(ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", classLoader)).isFalse();
	}

	@Test
	void reactiveServes() {
		try (RunningServer server = RunningServer.start(OneStackApp.class, "server.worker-class=reactive")) {
			assertThat(server.get("/thread").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void withoutAClassTheAppRunsAsPlainWebFluxReportedAsReactive() {
		try (RunningServer server = RunningServer.start(OneStackApp.class)) {
			// Plain WebFlux runs a blocking-style handler on Reactor Netty's own event loop.
			assertThat(server.get("/thread").body()).startsWith("platform reactor-http-");
			assertThat(server.context().getBean(dev.workerclass.workers.Workers.class).workerClass().canonicalName())
				.isEqualTo("reactive");
		}
	}

	@Test
	void aServletClassFailsStartUpNamingTheWebStarter() {
		SpringApplication application = new SpringApplication(OneStackApp.class);
		assertThatThrownBy(() -> application.run("--server.worker-class=virtual", "--server.port=0",
				"--server.address=127.0.0.1"))
			.satisfies((failure) -> {
				FailureAnalysis analysis = MvcOnlyIT.analyze(failure);
				assertThat(analysis.getDescription()).contains("server.worker-class=virtual")
					.contains("Spring MVC is not on the class path");
				assertThat(analysis.getAction()).contains("spring-boot-starter-web");
			});
	}

}
