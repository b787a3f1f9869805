package dev.workerclass.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.workerclass.diagnostics.Finding;
import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.workers.WorkerClass;
import dev.workerclass.workers.Workers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gevent's C-extension trap on {@code virtual}: a call that blocks in C holds its carrier, so eight
 * of them run only as many at a time as there are carriers; moved to the offload pool with
 * {@code @Blocking}, the eight run at once.
 */
class NativeSleepIT {

	private static ConfigurableApplicationContext context;

	private static int port;

	/** Carrier threads of the virtual-thread scheduler: the JDK's default is one per processor. */
	private static final int CARRIERS = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
			Runtime.getRuntime().availableProcessors());

	@BeforeAll
	static void start() {
		// Arguments, not default properties: the demo's application.yml sets a class of its own.
		context = new SpringApplicationBuilder(DemoApplication.class)
			.run("--server.port=0", "--server.worker-class=virtual", "--server.offload-threads=16");
		assertThat(context.getBean(Workers.class).workerClass()).isEqualTo(WorkerClass.VIRTUAL);
		port = ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void eightCallsBlockedInCTakeEightOverCarriersSeconds() {
		Duration took = timeEight("/native-sleep?seconds=1");
		double expected = Math.ceil(8.0 / CARRIERS);
		assertThat(took.toMillis() / 1000.0).as("8 native sleeps of 1 s on %d carriers", CARRIERS)
			.isBetween(expected - 0.3, expected + 3.0);
		// The diagnostics name the culprit: a native call, from the demo's NativeSleep, holding carriers.
		WorkersDiagnostics diagnostics = context.getBean(WorkersDiagnostics.class);
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			assertThat(diagnostics.carrierStarvation()).isPositive();
			assertThat(diagnostics.virtualThreadReport()).hasValueSatisfying((report) -> assertThat(report.top())
				.anySatisfy((finding) -> {
					assertThat(finding.kind()).isEqualTo(Finding.Kind.NATIVE_CALL);
					assertThat(finding.summary() + finding.stack()).contains("dev.workerclass.demo.NativeSleep.sleep");
				}));
		});
	}

	@Test
	void theSameCallsOffloadedTakeAboutOneSecond() {
		Duration took = timeEight("/native-sleep-offloaded?seconds=1");
		assertThat(took).isBetween(Duration.ofMillis(950), Duration.ofMillis(2500));
	}

	private static Duration timeEight(String path) {
		List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < 8; i++) {
			HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			replies.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString()));
		}
		replies.forEach((reply) -> assertThat(reply.join().statusCode()).isEqualTo(200));
		return Duration.ofNanos(System.nanoTime() - start);
	}

}
