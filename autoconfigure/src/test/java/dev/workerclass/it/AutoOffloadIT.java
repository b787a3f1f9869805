package dev.workerclass.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.workerclass.offload.AutoOffload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code server.offload=auto} on a real server of each reactive engine: handlers move to the
 * event loop once measured not to wait, stay on the offload pool when they wait or read a body,
 * and one that starts blocking the loop is moved back for good while the loop recovers.
 */
@ExtendWith(OutputCaptureExtension.class)
class AutoOffloadIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String OFFLOAD_THREAD = "workerclass-offload-";

	/** Enough calls to get past learning: the warm-up tenth and the measured calls. */
	private static final int LEARN = AutoOffload.DEFAULT_LEARNING_CALLS + AutoOffload.DEFAULT_LEARNING_CALLS / 10 + 5;

	@AfterEach
	void reset() {
		AutoOffloadApp.slow.set(false);
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void handlersThatDoNotWaitMoveToTheLoopAndOneThatStartsBlockingItGoesBackForGood(String engine,
			CapturedOutput output) {
		try (RunningServer server = start(engine)) {
			String loop = ReactiveWorkerClassIT.loopThreadPrefix(engine);
			assertThat(server.get("/compute").body()).startsWith(OFFLOAD_THREAD);
			for (int i = 0; i < LEARN; i++) {
				assertThat(server.get("/waits").statusCode()).isEqualTo(200);
				assertThat(server.post("/echo", "\"hello\"").statusCode()).isEqualTo(200);
			}
			// A cold JVM's first calls take long on the CPU: a handler found long is measured again
			// after ever more calls, until its compiled code shows it short.
			for (int i = 0; i < 6000 && !(onLoop(server, "GET /compute") && onLoop(server, "GET /sometimes-slow")); i++) {
				assertThat(server.get("/compute").statusCode()).isEqualTo(200);
				assertThat(server.get("/sometimes-slow").statusCode()).isEqualTo(200);
			}
			assertThat(server.get("/compute").body()).as("%s", routes(server)).startsWith(loop);
			assertThat(server.get("/sometimes-slow").body()).as("%s", routes(server)).startsWith(loop);
			assertThat(server.get("/waits").body()).startsWith(OFFLOAD_THREAD);
			Map<String, Map<String, Object>> routes = routes(server);
			assertThat(routes.get("GET /compute")).containsEntry("runsOn", "event-loop").containsEntry("decided", true);
			assertThat((String) routes.get("GET /compute").get("reason")).startsWith("it does not wait (100 calls");
			assertThat(routes.get("GET /waits")).containsEntry("measured", 100);
			assertThat(routes.get("GET /waits")).containsEntry("runsOn", "offload-pool").containsEntry("decided", true);
			assertThat((String) routes.get("GET /waits").get("reason")).startsWith("it waits (");
			if (engine.equals("netty")) {
				// Reactor Netty delivers the body later, on the loop: the invocation is not seen.
				assertThat(routes.get("POST /echo")).containsEntry("runsOn", "offload-pool")
					.containsEntry("decided", true).containsEntry("measured", 0);
				assertThat((String) routes.get("POST /echo").get("reason")).startsWith("its arguments arrive after");
			}
			else {
				// Undertow often has a small body at once: those calls are seen whole, and measured.
				assertThat(((Number) routes.get("POST /echo").get("measured")).intValue()).isPositive();
			}
			assertThat(output).contains("GET /compute (Routes#compute) it does not wait");

			// It starts blocking: the call that blocks the loop is found by the watchdog (300 ms).
			AutoOffloadApp.slow.set(true);
			CompletableFuture<HttpResponse<String>> blocking = server.getAsync("/sometimes-slow");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "offload-pool".equals(routes(server).get("GET /sometimes-slow").get("runsOn")));
			assertThat(blocking.join().body()).as("the call that blocked ran on the loop").startsWith(loop);
			assertThat((String) routes(server).get("GET /sometimes-slow").get("reason"))
				.startsWith("it blocked event loop " + loop)
				.endsWith("it runs on the offload pool from now on");
			assertThat(output).contains("GET /sometimes-slow (Routes#sometimesSlow) it blocked event loop")
				.contains("at " + AutoOffloadApp.Routes.class.getName() + ".sometimesSlow(");

			// The loop recovers: the slow calls run off it, and the one loop answers while they sleep.
			List<CompletableFuture<HttpResponse<String>>> slowCalls = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				slowCalls.add(server.getAsync("/sometimes-slow"));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> ((Number) offload(server).get("busy")).intValue() == 4);
			long start = System.nanoTime();
			assertThat(server.get("/loop").body()).startsWith(loop);
			assertThat(server.get("/compute").body()).startsWith(loop);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(700));
			for (CompletableFuture<HttpResponse<String>> call : slowCalls) {
				assertThat(call.join().body()).startsWith(OFFLOAD_THREAD);
			}
			// For good: fast again, it still runs on the offload pool.
			AutoOffloadApp.slow.set(false);
			for (int i = 0; i < LEARN; i++) {
				server.get("/sometimes-slow");
			}
			assertThat(server.get("/sometimes-slow").body()).startsWith(OFFLOAD_THREAD);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "always" })
	void underAlwaysEveryBlockingStyleHandlerStaysOnTheOffloadPoolAndTheEndpointSaysSo(String mode) {
		try (RunningServer server = RunningServer.start(AutoOffloadApp.class, "server.worker-class=reactive",
				"server.workers=1", "server.offload=" + mode, "management.endpoints.web.exposure.include=workers")) {
			for (int i = 0; i < LEARN; i++) {
				server.get("/compute");
			}
			assertThat(server.get("/compute").body()).startsWith(OFFLOAD_THREAD);
			Map<String, Object> offload = read(server.get("/actuator/workers/offload"));
			assertThat(offload).containsEntry("mode", "always").containsEntry("routes", List.of());
		}
	}

	private static RunningServer start(String engine) {
		return RunningServer.start(AutoOffloadApp.class, "server.engine=" + engine, "server.worker-class=reactive",
				"server.workers=1", "server.offload=auto", "server.diagnostics.blocked-loop-threshold=300ms",
				"management.endpoints.web.exposure.include=workers");
	}

	/** Looked at every 50 calls: the endpoint's answer costs more than a call. */
	private int looks;

	private boolean onLoop(RunningServer server, String route) {
		if (this.looks++ % 50 != 0) {
			return false;
		}
		Map<String, Object> report = routes(server).get(route);
		return report != null && "event-loop".equals(report.get("runsOn"));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> routes(RunningServer server) {
		Map<String, Object> offload = read(server.get("/actuator/workers/offload"));
		assertThat(offload).containsEntry("mode", "auto").containsEntry("learningCalls", 100);
		Map<String, Map<String, Object>> routes = new HashMap<>();
		for (Map<String, Object> route : (List<Map<String, Object>>) offload.get("routes")) {
			routes.put((String) route.get("route"), route);
		}
		return routes;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> offload(RunningServer server) {
		return (Map<String, Object>) server.workers().get("offload");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> read(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		return JSON.readValue(response.body(), Map.class);
	}

}
