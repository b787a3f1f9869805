package dev.workerclass.it;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What happens to a request that is too slow or finds no room, for every worker class: 503 with a
 * problem detail that says which (and Retry-After), an interrupted handler, counters that say so, and a slot that always
 * comes back, whatever became of the request.
 */
class TimeoutsAndOverloadIT {

	private static final String EXPOSE = "management.endpoints.web.exposure.include=workers";

	private static final String GRANT = "management.endpoint.workers.access=unrestricted";

	/** A class, or {@code reactive@undertow} for the reactive class on an engine other than the default. */
	private static String[] oneSlot(String workerClass, String... more) {
		String[] classAndEngine = workerClass.split("@");
		List<String> properties = new ArrayList<>(List.of("server.worker-class=" + classAndEngine[0],
				"server.workers=1", "server.threads=1", "server.worker-connections=1", EXPOSE, GRANT));
		if (classAndEngine.length > 1) {
			properties.add("server.engine=" + classAndEngine[1]);
		}
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	private static void awaitIdle(RunningServer server) {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(
				() -> assertThat(server.workers()).containsEntry("busy", 0).containsEntry("queued", 0));
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual", "reactive", "reactive@undertow" })
	void aRequestPastTheTimeoutGets503AndItsHandlerIsInterrupted(String workerClass) {
		try (RunningServer server = RunningServer.start(oneSlot(workerClass, "server.timeout=500ms"))) {
			TestApp.interrupted.set(0);
			long start = System.nanoTime();
			HttpResponse<String> response = server.get("/interruptible?ms=5000");
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
			Map<String, Object> problem = RunningServer.problem(response);
			assertThat(problem).containsEntry("type", "urn:workerclass:problem:timed-out")
				.containsEntry("title", "Request timed out")
				.containsEntry("status", 503)
				.containsEntry("timeout", "PT0.5S");
			assertThat(problem.get("detail")).asString().contains("server.timeout=500ms");
			assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofMillis(3000));
			await().atMost(Duration.ofSeconds(5)).until(() -> TestApp.interrupted.get() == 1);
			awaitIdle(server);
			Map<String, Object> state = server.workers();
			assertThat(state).containsEntry("timedOut", 1).containsEntry("timeout", "PT0.5S");
			// A request in time is untouched.
			assertThat(server.get("/interruptible?ms=10").body()).isEqualTo("hello");
			assertThat(server.workers()).containsEntry("timedOut", 1);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread" })
	void theAnswerComesAtTheDeadlineEvenIfTheHandlerIgnoresTheInterrupt(String workerClass) {
		try (RunningServer server = RunningServer.start(oneSlot(workerClass, "server.timeout=500ms"))) {
			long start = System.nanoTime();
			HttpResponse<String> response = server.get("/stubborn?ms=2500");
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
			// The worker is honestly busy until the stubborn handler returns.
			assertThat(server.workers()).containsEntry("busy", 1);
			awaitIdle(server);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual" })
	void aRequestStillWaitingAtTheTimeoutLeavesTheLine(String workerClass) {
		try (RunningServer server = RunningServer.start(oneSlot(workerClass, "server.timeout=700ms"))) {
			// A handler that ignores its interrupt keeps the only worker past the next request's deadline.
			CompletableFuture<HttpResponse<String>> holder = server.getAsync("/stubborn?ms=1500");
			await().atMost(Duration.ofSeconds(5)).until(() -> server.workers().get("busy").equals(1));
			long start = System.nanoTime();
			HttpResponse<String> starved = server.get("/test?ms=10");
			assertThat(starved.statusCode()).isEqualTo(503);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1400));
			assertThat(holder.join().statusCode()).isEqualTo(503);
			awaitIdle(server);
			assertThat(server.workers()).containsEntry("timedOut", 2);
			assertThat(server.get("/test?ms=10").statusCode()).isEqualTo(200);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual", "reactive", "reactive@undertow" })
	void aFullLineGets503WithRetryAfterAtOnce(String workerClass) {
		try (RunningServer server = RunningServer.start(oneSlot(workerClass, "server.max-queued=1"))) {
			CompletableFuture<HttpResponse<String>> busy = server.getAsync("/test?ms=1500");
			await().atMost(Duration.ofSeconds(5)).until(() -> server.workers().get("busy").equals(1));
			CompletableFuture<HttpResponse<String>> queued = server.getAsync("/test?ms=1");
			await().atMost(Duration.ofSeconds(5)).until(() -> server.workers().get("queued").equals(1));
			long start = System.nanoTime();
			HttpResponse<String> refused = server.get("/test?ms=1");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
			Map<String, Object> problem = RunningServer.problem(refused);
			assertThat(problem).containsEntry("type", "urn:workerclass:problem:line-full")
				.containsEntry("title", "No room in line")
				.containsEntry("status", 503)
				.containsEntry("pool", "workers")
				.containsEntry("capacity", 1)
				.containsEntry("queued", 1);
			assertThat(problem.get("detail")).asString()
				.contains("worker slots are busy and 1 requests are already waiting");
			assertThat(busy.join().statusCode()).isEqualTo(200);
			assertThat(queued.join().statusCode()).isEqualTo(200);
			awaitIdle(server);
			assertThat(server.workers()).containsEntry("rejected", 1);
		}
	}

	/**
	 * A slot freed at the end of one request is granted to the next in line on the freeing thread.
	 * Were the next request run right there, each would run inside the one before it, on one
	 * thread and an ever deeper stack, until it overflowed and the slots it held were lost.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual", "reactive", "reactive@undertow" })
	void aLongLineDrainsEveryRequestInTurn(String workerClass) {
		try (RunningServer server = RunningServer.start(oneSlot(workerClass, "server.max-queued=1000"))) {
			List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
			for (int i = 0; i < 300; i++) {
				replies.add(server.getAsyncKeepAlive("/test?ms=1"));
			}
			for (CompletableFuture<HttpResponse<String>> reply : replies) {
				assertThat(reply.join().statusCode()).isEqualTo(200);
			}
			awaitIdle(server);
			assertThat(server.workers()).containsEntry("rejected", 0).containsEntry("timedOut", 0);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual", "reactive", "reactive@undertow" })
	void noSlotLeaksAfterExceptionsTimeoutsAndAbortedClients(String workerClass) throws Exception {
		try (RunningServer server = RunningServer.start(oneSlot(workerClass, "server.timeout=300ms",
				"server.workers=2"))) {
			for (int i = 0; i < 5; i++) {
				assertThat(server.get("/fail").statusCode()).isEqualTo(500);
			}
			List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				slow.add(server.getAsync("/interruptible?ms=2000"));
			}
			slow.forEach((reply) -> assertThat(reply.join().statusCode()).isEqualTo(503));
			for (int i = 0; i < 6; i++) {
				// A client that sends its request and goes away before the answer.
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress("127.0.0.1", server.webServer().getPort()), 5000);
					OutputStream out = socket.getOutputStream();
					out.write("GET /test?ms=150 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
					out.flush();
				}
			}
			awaitIdle(server);
			assertThat(server.get("/test?ms=1").body()).isEqualTo("hello");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual", "reactive", "reactive@undertow" })
	void blockingHandlersRunOnTheOffloadPoolWhateverTheClass(String workerClass) {
		// Under reactive a request also holds a slot on the loops while its handler is offloaded.
		try (RunningServer server = RunningServer.start(oneSlot(workerClass, "server.offload-threads=4",
				"server.worker-connections=" + (workerClass.startsWith("reactive") ? 100 : 1)))) {
			assertThat(server.get("/blocking-thread").body()).startsWith("workerclass-offload-").endsWith(" platform");
			if (!workerClass.startsWith("reactive")) {
				// The servlet filter tells @Blocking paths before Spring MVC runs: literal, encoded, patterned.
				assertThat(server.get("/blocking%2Dthread").body()).startsWith("workerclass-offload-");
				assertThat(server.get("/blocking-item/7").body()).startsWith("7 workerclass-offload-");
				assertThat(server.get("/thread").body()).doesNotStartWith("workerclass-offload-");
			}
			// Four offload threads serve four at once, though the class has a single slot.
			assertThat(server.timeConcurrentBody(4, "/blocking-thread?ms=400")).isLessThan(Duration.ofMillis(1200));
			// An offload thread gives its slot back just after the response it produced has gone out.
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				@SuppressWarnings("unchecked")
				Map<String, Object> offload = (Map<String, Object>) server.workers().get("offload");
				assertThat(offload).containsEntry("threads", 4).containsEntry("busy", 0);
				assertThat(((Number) offload.get("completed")).intValue()).isGreaterThanOrEqualTo(6);
			});
		}
	}

}
