package dev.workerclass.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The workload and the advice on a real server: requests that sleep are measured as waiting and
 * advised {@code virtual}, a SHA-256 loop as CPU and advised {@code thread} with about as many
 * threads as cores, under {@code thread} (CPU time) and {@code virtual} (thread states); with no
 * traffic the advice has not seen enough. Every request is sampled and the sampler looks every
 * 5 ms, so that a few hundred requests are enough; loads are small and bounded, and the bounds on
 * shares generous: the machine is shared.
 */
class WorkloadAdviceIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int CORES = Runtime.getRuntime().availableProcessors();

	private static RunningServer start(String workerClass) {
		return RunningServer.start("server.worker-class=" + workerClass,
				"management.endpoints.web.exposure.include=workers", "server.workload.sample-every=1",
				"server.workload.sample-interval=5ms", "server.workload.min-samples=100");
	}

	@ParameterizedTest
	@ValueSource(strings = { "thread", "virtual" })
	void requestsThatSleepAreWaitingAndAdvisedVirtual(String workerClass) {
		try (RunningServer server = start(workerClass)) {
			Map<String, Object> none = advice(server);
			assertThat(none.get("verdict")).isEqualTo("not-enough");
			assertThat(none.get("workerClass")).isNull();
			assertThat((String) none.get("why")).startsWith("Not seen enough yet: 0 requests measured of the 100");

			load(server, "/test?ms=20", 4, 40);
			server.get("/blocking-item/7");
			// A handler's sample ends after its body was flushed: the client may read the answer first.
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(route(advice(server), "GET /blocking-item/{id}").get("sampled"))
					.isEqualTo(1));
			Map<String, Object> advice = advice(server);
			Map<String, Object> route = route(advice, "GET /test");
			assertThat(((Number) route.get("sampled")).longValue()).isGreaterThanOrEqualTo(160);
			assertThat(((Number) route.get("meanMs")).doubleValue()).isBetween(19.0, 1000.0);
			assertThat(((Number) route.get("p99Ms")).doubleValue())
				.isGreaterThanOrEqualTo(((Number) route.get("meanMs")).doubleValue() * 0.95);
			assertThat(route.get("measuredBy")).isEqualTo("thread".equals(workerClass) ? "cpu-time" : "thread-states");
			assertThat(((Number) route.get("waitingShare")).doubleValue()).as("waiting share of a sleep").isGreaterThan(0.8);
			// The pattern the handler mapping matched, not the path.
			assertThat(route(advice, "GET /blocking-item/{id}").get("sampled")).isEqualTo(1);

			assertThat(advice.get("verdict")).as("%s", advice).isEqualTo("io-bound");
			assertThat(advice.get("workerClass")).isEqualTo("virtual");
			assertThat(properties(advice)).containsEntry("server.worker-class", "virtual")
				.containsEntry("server.worker-connections", "1000");
			assertThat((String) advice.get("why")).startsWith("I/O-bound: ");
			Map<String, Object> workload = workload(advice);
			assertThat(((Number) workload.get("inFlightPeak")).intValue()).isBetween(1, 6);
			assertThat(((Number) workload.get("inFlightMean")).doubleValue()).isBetween(0.5, 6.0);
			assertThat(workload.get("cores")).isEqualTo(CORES);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "thread", "virtual" })
	void aShaLoopIsOnCpuAndAdvisedAboutAsManyThreadsAsCores(String workerClass) {
		try (RunningServer server = start(workerClass)) {
			// One client: the test's own client threads share these cores, and with one busy thread per
			// core a handler's wait for a core (RUNNABLE, not on CPU) would read as waiting.
			load(server, "/sha?rounds=40", 1, 300);
			Map<String, Object> advice = advice(server);
			Map<String, Object> route = route(advice, "GET /sha");
			assertThat(((Number) route.get("cpuShare")).doubleValue()).as("CPU share of a SHA loop: %s", advice)
				.isGreaterThan(0.6);
			assertThat(advice.get("workerClass")).as("%s", advice).isEqualTo("thread");
			assertThat(advice.get("verdict")).isIn("cpu-bound", "unsure");
			assertThat(Integer.parseInt(properties(advice).get("server.threads"))).isBetween(CORES, 2 * CORES + 1);
		}
	}

	@Test
	void underReactiveRequestsAreTimedPerRouteAndTheAdviceStaysReactive() {
		try (RunningServer server = start("reactive")) {
			load(server, "/test-async?ms=10", 4, 30);
			Map<String, Object> advice = advice(server);
			Map<String, Object> route = route(advice, "GET /test-async");
			assertThat(((Number) route.get("sampled")).longValue()).isGreaterThanOrEqualTo(120);
			assertThat(((Number) route.get("meanMs")).doubleValue()).isBetween(9.0, 1000.0);
			assertThat(route.get("measuredBy")).isEqualTo("none");
			assertThat(route.get("cpuShare")).isNull();
			assertThat(advice.get("workerClass")).isEqualTo("reactive");
			assertThat(properties(advice)).containsEntry("server.workers", String.valueOf(CORES));
		}
	}

	@Test
	void anUnknownPartOfTheEndpointIsNotFound() {
		try (RunningServer server = start("thread")) {
			assertThat(server.get("/actuator/workers/advise").statusCode()).isEqualTo(404);
		}
	}

	/**
	 * {@code clients} clients at once, each sending {@code each} requests one after the other, and
	 * then waits until every one of them is measured (every request is sampled here): a handler's
	 * sample ends after its body was flushed, so a client may read the answer first.
	 */
	static void load(RunningServer server, String pathAndQuery, int clients, int each) {
		long before = sampled(server);
		server.get(pathAndQuery);
		List<CompletableFuture<Void>> running = new ArrayList<>();
		for (int c = 0; c < clients; c++) {
			running.add(CompletableFuture.runAsync(() -> {
				for (int i = 0; i < each; i++) {
					assertThat(server.get(pathAndQuery).statusCode()).isEqualTo(200);
				}
			}, (task) -> Thread.ofVirtual().start(task)));
		}
		CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
		long sent = 1L + (long) clients * each;
		await().atMost(Duration.ofSeconds(10)).until(() -> sampled(server) >= before + sent);
	}

	/** Requests measured so far, over every route. */
	@SuppressWarnings("unchecked")
	static long sampled(RunningServer server) {
		List<Map<String, Object>> routes = (List<Map<String, Object>>) workload(advice(server)).get("routes");
		return routes.stream().mapToLong((route) -> ((Number) route.get("sampled")).longValue()).sum();
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> advice(RunningServer server) {
		var response = server.get("/actuator/workers/advice");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readValue(response.body(), Map.class);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> workload(Map<String, Object> advice) {
		return (Map<String, Object>) advice.get("workload");
	}

	@SuppressWarnings("unchecked")
	static Map<String, String> properties(Map<String, Object> advice) {
		return (Map<String, String>) advice.get("properties");
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> route(Map<String, Object> advice, String route) {
		List<Map<String, Object>> routes = (List<Map<String, Object>>) workload(advice).get("routes");
		return routes.stream()
			.filter((each) -> route.equals(each.get("route")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no route " + route + " in " + routes));
	}

}
