package dev.workerclass.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The servlet classes on Jetty, the container a user gets by swapping Tomcat out. The test class
 * path has Tomcat too, so this app declares Jetty's factory itself, as the swap would.
 */
class JettyWorkerClassesIT {

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TestApp.Routes.class)
	static class JettyApp {

		@Bean
		JettyServletWebServerFactory jettyServletWebServerFactory() {
			return new JettyServletWebServerFactory();
		}

	}

	@Test
	void syncOnJettyServesOneRequestAtATimeAndClosesConnections() throws Exception {
		try (RunningServer server = RunningServer.start(JettyApp.class, "server.worker-class=sync", "server.workers=1")) {
			assertThat(server.webServer()).isInstanceOf(JettyWebServer.class);
			assertThat(server.timeConcurrent(10, "/test")).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(10));
			assertThat(server.rawExchange("/test?ms=1")).containsIgnoringCase("Connection: close");
			assertThat(server.get("/thread").body()).startsWith("workerclass-sync-");
		}
	}

	@Test
	void threadOnJettyRunsWorkersTimesThreadsAtOnce() {
		try (RunningServer server = RunningServer.start(JettyApp.class, "server.worker-class=thread",
				"server.threads=2")) {
			assertThat(server.timeConcurrent(10, "/test")).isBetween(Duration.ofMillis(990), Duration.ofMillis(1900));
			assertThat(server.get("/thread").body()).startsWith("workerclass-thread-");
		}
	}

	@Test
	void theControlPlaneAnswersOnJettyWhenTheOnlySyncWorkerIsBusy() {
		try (RunningServer server = RunningServer.start(JettyApp.class, "server.worker-class=sync", "server.workers=1",
				"management.endpoints.web.exposure.include=workers",
				"management.endpoint.workers.access=unrestricted")) {
			List<CompletableFuture<HttpResponse<String>>> slow = List.of(server.getAsync("/test?ms=3000"),
					server.getAsync("/test?ms=3000"));
			await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/actuator/workers").body().contains("\"queued\":1"));
			long start = System.nanoTime();
			HttpResponse<String> resized = server.post("/actuator/workers", "{\"workers\": 2}");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
			assertThat(resized.statusCode()).isEqualTo(200);
			assertThat(resized.body()).contains("\"engine\":\"jetty\"").contains("\"busy\":2").contains("\"queued\":0");
			slow.forEach((reply) -> assertThat(reply.join().statusCode()).isEqualTo(200));
		}
	}

	@Test
	void virtualOnJettyRunsEachRequestOnAVirtualThread() {
		try (RunningServer server = RunningServer.start(JettyApp.class, "server.worker-class=virtual")) {
			assertThat(server.timeConcurrent(10, "/test")).isLessThan(Duration.ofMillis(900));
			assertThat(server.get("/thread").body()).startsWith("workerclass-virtual-").endsWith(" virtual");
		}
	}

}
