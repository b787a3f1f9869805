package dev.workerclass.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.TomcatWebServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The servlet worker classes on a real Tomcat, observed from a real HTTP client: ten concurrent
 * requests whose handler sleeps 200 ms take as long as the class's concurrency says.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServletWorkerClassesIT {

	@Test
	void syncServesOneRequestAtATimePerWorkerAndClosesEveryConnection(CapturedOutput output) throws Exception {
		try (RunningServer server = RunningServer.start("server.worker-class=sync", "server.workers=1")) {
			assertThat(server.webServer()).isInstanceOf(TomcatWebServer.class);
			Duration elapsed = server.timeConcurrent(10, "/test");
			// 10 × 200 ms, one after another.
			assertThat(elapsed).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(10));
			String exchange = server.rawExchange("/test?ms=1");
			assertThat(exchange).startsWith("HTTP/1.1 200").containsIgnoringCase("Connection: close").endsWith("hello");
			assertThat(server.get("/thread").body()).startsWith("workerclass-sync-").endsWith(" platform");
			assertThat(output).contains("Using worker class sync (workers=1, capacity=1) on Tomcat");
		}
	}

	@Test
	void theAcceptBacklogIsGunicornsOrTheKernelsUnlessSet() throws IOException {
		// Tomcat's own default (100) overflows under a burst of connections; each dropped SYN is retried a second later.
		Path sysctl = Path.of("/proc/sys/net/core/somaxconn");
		int somaxconn = Files.isReadable(sysctl) ? Integer.parseInt(Files.readAllLines(sysctl).get(0).trim()) : 0;
		try (RunningServer server = RunningServer.start("server.worker-class=virtual")) {
			assertThat(protocol(server).getAcceptCount()).isEqualTo(Math.max(2048, Math.min(somaxconn, 65_535)));
		}
		try (RunningServer server = RunningServer.start("server.worker-class=sync", "server.backlog=64")) {
			assertThat(protocol(server).getAcceptCount()).isEqualTo(64);
		}
	}

	private static AbstractProtocol<?> protocol(RunningServer server) {
		return (AbstractProtocol<?>) ((TomcatWebServer) server.webServer()).getTomcat()
			.getConnector()
			.getProtocolHandler();
	}

	@Test
	void syncWorkersServeInParallelWithEachOther() {
		try (RunningServer server = RunningServer.start("server.worker-class=sync", "server.workers=5")) {
			// 10 requests, 5 at a time: two rounds of 200 ms.
			assertThat(server.timeConcurrent(10, "/test")).isBetween(Duration.ofMillis(390), Duration.ofMillis(1500));
		}
	}

	@Test
	void threadRunsWorkersTimesThreadsAtOnceAndKeepsConnectionsAlive(CapturedOutput output) {
		try (RunningServer server = RunningServer.start("server.worker-class=gthread", "server.workers=1",
				"server.threads=2")) {
			// 10 requests, 2 at a time: five rounds of 200 ms.
			assertThat(server.timeConcurrent(10, "/test")).isBetween(Duration.ofMillis(990), Duration.ofMillis(1900));
			assertThat(server.get("/thread").headers().firstValue("Connection")).isEmpty();
			assertThat(server.get("/thread").body()).startsWith("workerclass-thread-").endsWith(" platform");
			assertThat(output).contains("Using worker class thread (workers=1, threads=2, capacity=2) on Tomcat");
		}
	}

	@Test
	void virtualRunsEachRequestOnItsOwnVirtualThread(CapturedOutput output) {
		try (RunningServer server = RunningServer.start("server.worker-class=async")) {
			// All ten at once: one round of 200 ms.
			assertThat(server.timeConcurrent(10, "/test")).isLessThan(Duration.ofMillis(900));
			assertThat(server.get("/thread").body()).startsWith("workerclass-virtual-").endsWith(" virtual");
			assertThat(output)
				.contains("Using worker class virtual (workers=1, worker-connections=1000, capacity=1000) on Tomcat");
		}
	}

	@Test
	void virtualAdmitsNoMoreThanWorkersTimesWorkerConnections() {
		try (RunningServer server = RunningServer.start("server.worker-class=virtual", "server.worker-connections=2")) {
			// Capacity 2: five rounds of 200 ms, the rest waiting for a slot.
			assertThat(server.timeConcurrent(10, "/test")).isBetween(Duration.ofMillis(990), Duration.ofMillis(1900));
		}
	}

	@Test
	void theStartersExecutorWinsOverBootsVirtualThreadsSetting() {
		try (RunningServer server = RunningServer.start("spring.threads.virtual.enabled=true",
				"server.worker-class=thread", "server.threads=4")) {
			assertThat(server.get("/thread").body()).startsWith("workerclass-thread-").endsWith(" platform");
		}
		try (RunningServer server = RunningServer.start("spring.threads.virtual.enabled=true",
				"server.worker-class=sync", "server.workers=1")) {
			assertThat(server.get("/thread").body()).startsWith("workerclass-sync-");
			assertThat(server.timeConcurrent(5, "/test")).isGreaterThan(Duration.ofMillis(950));
		}
	}

	@Test
	void withVirtualThreadsEnabledAndNoClassBootsVirtualThreadsServeAndAreReportedAsVirtual() {
		try (RunningServer server = RunningServer.start("spring.threads.virtual.enabled=true",
				"management.endpoints.web.exposure.include=workers")) {
			String thread = server.get("/thread").body();
			assertThat(thread).endsWith(" virtual").doesNotStartWith("workerclass-");
			assertThat(server.get("/actuator/workers").body()).contains("\"workerClass\":\"virtual\"")
				.contains("\"completed\":1");
		}
	}

	@Test
	void withoutAClassTomcatsOwnThreadsServeWithNoDeadlineAsInPlainBoot(CapturedOutput output) {
		try (RunningServer server = RunningServer.start("server.timeout=500ms",
				"management.endpoints.web.exposure.include=workers")) {
			assertThat(server.get("/thread").body()).startsWith("http-nio-").endsWith(" platform");
			// server.timeout needs a class: a request past it is not cut, as plain Boot has no deadline.
			assertThat(server.get("/interruptible?ms=1200").statusCode()).isEqualTo(200);
			assertThat(server.get("/actuator/workers").body()).contains("\"workerClass\":\"thread\"")
				.contains("\"capacity\":200")
				.contains("\"completed\":2");
			assertThat(output).contains("No server.worker-class set: Tomcat serves as in plain Spring Boot")
				.contains("server.timeout=500ms apply only to a worker class the starter runs");
		}
	}

}
