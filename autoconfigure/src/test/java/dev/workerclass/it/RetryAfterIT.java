package dev.workerclass.it;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code Retry-After} of a refused request, on a real server: one second while nothing has
 * finished, then the time the full line takes to drain at the rate it was seen to drain.
 */
class RetryAfterIT {

	/** Seven clients, one request at a time each: one served and six waiting, the most allowed. */
	private static final int LANES = 7;

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread" })
	void aRefusalSaysHowLongTheFullLineTakesToDrain(String workerClass) throws Exception {
		try (RunningServer server = RunningServer.start("server.worker-class=" + workerClass, "server.workers=1",
				"server.threads=1", "server.max-queued=6", "management.endpoints.web.exposure.include=workers",
				"management.endpoint.workers.access=unrestricted")) {
			HttpClient probe = client();
			AtomicBoolean draining = new AtomicBoolean(true);
			AtomicReference<Throwable> failed = new AtomicReference<>();
			List<CompletableFuture<Void>> lanes = new ArrayList<>();
			// The first request holds the only worker long enough for the line to fill before anything finishes.
			lanes.add(lane(server, "/test?ms=2500", draining, failed));
			await().atMost(Duration.ofSeconds(10)).until(() -> server.workers().get("busy").equals(1));
			for (int i = 1; i < LANES; i++) {
				lanes.add(lane(server, "/test?ms=400", draining, failed));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> server.workers().get("queued").equals(6));
			HttpResponse<String> early = probe.send(request(server, "/test?ms=1"), HttpResponse.BodyHandlers.ofString());
			if (((Number) server.workers().get("completed")).intValue() == 0) {
				// Nothing has finished, so nothing says how fast the line drains: the shortest wait.
				assertThat(early.statusCode()).isEqualTo(503);
				assertThat(early.headers().firstValue("Retry-After")).hasValue("1");
				assertThat(RunningServer.problem(early)).containsEntry("retryAfter", 1);
			}
			// The clients keep the line full while the only worker drains it at about 2.5 a second.
			Thread.sleep(5000);
			AtomicReference<HttpResponse<String>> refused = new AtomicReference<>();
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				HttpResponse<String> response = probe.send(request(server, "/test?ms=1"),
						HttpResponse.BodyHandlers.ofString());
				refused.set(response);
				return response.statusCode() == 503;
			});
			draining.set(false);
			// Seven requests ahead at about 2.5 a second: about 3 s. Never beyond server.timeout (30 s).
			String retryAfter = refused.get().headers().firstValue("Retry-After").orElseThrow();
			assertThat(Integer.parseInt(retryAfter)).isBetween(2, 30);
			assertThat(RunningServer.problem(refused.get())).containsEntry("retryAfter", Integer.parseInt(retryAfter));
			CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get();
			assertThat(failed.get()).isNull();
		}
	}

	/**
	 * A client on a connection of its own that sends {@code first}, then {@code /test?ms=400} again
	 * and again as soon as each answer arrives, until {@code draining} turns false.
	 */
	private static CompletableFuture<Void> lane(RunningServer server, String first, AtomicBoolean draining,
			AtomicReference<Throwable> failed) {
		return CompletableFuture.runAsync(() -> {
			HttpClient client = client();
			String path = first;
			try {
				while (draining.get()) {
					HttpResponse<String> response = client.send(request(server, path), HttpResponse.BodyHandlers.ofString());
					if (response.statusCode() != 200 && response.statusCode() != 503) {
						throw new IllegalStateException("Unexpected " + response.statusCode() + ": " + response.body());
					}
					path = "/test?ms=400";
				}
			}
			catch (Throwable ex) {
				failed.compareAndSet(null, ex);
			}
		}, (task) -> Thread.ofVirtual().start(task));
	}

	private static HttpClient client() {
		return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
	}

	private static HttpRequest request(RunningServer server, String path) {
		return HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(60)).build();
	}

}
