package dev.workerclass.it;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.workerclass.undertow.UndertowWebServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/workers} over real HTTP for every worker class: read, resize, ttin/ttou, bad
 * input, the control plane under saturation, resizing under load, and meters that tell the same.
 */
class WorkersEndpointIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String EXPOSE = "management.endpoints.web.exposure.include=workers,health,info";

	/** The endpoint is read-only by default; resizing is granted explicitly. */
	private static final String GRANT = "management.endpoint.workers.access=unrestricted";

	/**
	 * Per class: one worker of capacity 1, so that three slow requests saturate it.
	 * {@code reactive@undertow} is the reactive class on Undertow.
	 */
	private static String[] oneSlot(String workerClass) {
		return switch (workerClass) {
			case "reactive@undertow" -> new String[] { "server.worker-class=reactive", "server.engine=undertow",
					"server.workers=1", "server.worker-connections=1" };
			case "thread" -> new String[] { "server.worker-class=thread", "server.workers=1", "server.threads=1" };
			case "virtual", "reactive" -> new String[] { "server.worker-class=" + workerClass, "server.workers=1",
					"server.worker-connections=1" };
			default -> new String[] { "server.worker-class=sync", "server.workers=1" };
		};
	}

	private static String[] with(String[] properties, String... more) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(HttpResponse<String> response) {
		return json.readValue(response.body(), Map.class);
	}

	private static Map<String, Object> state(RunningServer server) {
		HttpResponse<String> response = server.get("/actuator/workers");
		assertThat(response.statusCode()).isEqualTo(200);
		return body(response);
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual", "reactive" })
	void readsResizesAndSignals(String workerClass) {
		try (RunningServer server = RunningServer.start(with(oneSlot(workerClass), EXPOSE, GRANT, "server.max-workers=6"))) {
			Map<String, Object> state = state(server);
			assertThat(state).containsEntry("workerClass", workerClass)
				.containsEntry("engine", workerClass.equals("reactive") ? "netty" : "tomcat")
				.containsEntry("workers", 1)
				.containsEntry("capacity", 1)
				.containsEntry("busy", 0)
				.containsEntry("idle", 1)
				.containsEntry("queued", 0)
				.containsEntry("rejected", 0)
				.containsEntry("maxWorkers", 6)
				.containsKeys("completed", "startedAt", "uptime", "maxQueued")
				// Every field is there under every class, null where it does not apply.
				.containsKeys("threads", "workerConnections", "offload", "diagnostics");
			assertThat(state.get("offload")).isNotNull();

			HttpResponse<String> resized = server.post("/actuator/workers", "{\"workers\": 4}");
			assertThat(resized.statusCode()).isEqualTo(200);
			assertThat(body(resized)).containsEntry("workers", 4).containsEntry("capacity", 4).containsEntry("resizes", 1);

			assertThat(body(server.post("/actuator/workers/ttin", null))).containsEntry("workers", 5);
			assertThat(body(server.post("/actuator/workers/ttou", "{\"by\": 2}"))).containsEntry("workers", 3);
			assertThat(body(server.post("/actuator/workers/ttou", "{\"by\": 10}"))).containsEntry("workers", 1);
			assertThat(body(server.post("/actuator/workers/ttou", null))).containsEntry("workers", 1);
			assertThat(body(server.post("/actuator/workers/ttin", "{\"by\": 5}"))).containsEntry("workers", 6);
			// Above max-workers: refused, nothing changes.
			assertThat(server.post("/actuator/workers/ttin", null).statusCode()).isEqualTo(400);
			assertThat(state(server)).containsEntry("workers", 6);

			// The resized server still serves.
			assertThat(server.get("/test?ms=1").body()).isEqualTo("hello");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "virtual", "reactive", "reactive@undertow" })
	void badInputGets400WithAReasonAndChangesNothing(String workerClass) {
		try (RunningServer server = RunningServer.start(with(oneSlot(workerClass), EXPOSE, GRANT, "server.max-workers=8"))) {
			Map<String, Object> before = state(server);
			String perWorker = workerClass.equals("sync") ? "threads" : "workerConnections";
			for (String bad : List.of("{}", "{\"workers\": 0}", "{\"workers\": -3}", "{\"workers\": 9}",
					"{\"workers\": 1000000000000}", "{\"workers\": \"abc\"}", "{\"workers\": 2.5}",
					"{\"wrokers\": 2}", "{\"workers\": 2, \"bogus\": 1}", "{\"" + perWorker + "\": 0}", "[1, 2]",
					"not json", "{\"workers\": ")) {
				HttpResponse<String> response = server.post("/actuator/workers", bad);
				assertThat(response.statusCode()).as(bad).isEqualTo(400);
				assertThat(state(server)).as(bad).containsEntry("workers", 1).containsEntry("capacity", 1);
			}
			HttpResponse<String> typo = server.post("/actuator/workers", "{\"wrokers\": 2}");
			assertThat(typo.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(body(typo)).containsEntry("status", 400)
				.containsEntry("title", "Bad Request")
				.containsEntry("instance", "/actuator/workers");
			assertThat(body(typo).get("detail").toString()).contains("wrokers");
			HttpResponse<String> tooMany = server.post("/actuator/workers", "{\"workers\": 9}");
			assertThat(body(tooMany).get("detail").toString()).contains("workers=9").contains("8");
			for (String bad : List.of("{\"by\": 0}", "{\"by\": \"x\"}", "{\"by\": 1, \"extra\": 1}")) {
				assertThat(server.post("/actuator/workers/ttin", bad).statusCode()).as(bad).isEqualTo(400);
			}
			assertThat(server.post("/actuator/workers/hup", null).statusCode()).isEqualTo(400);
			assertThat(state(server)).containsEntry("workers", before.get("workers")).containsEntry("resizes", 0);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual", "reactive", "reactive@undertow" })
	void theControlPlaneAnswersAtOnceWhenEveryWorkerIsBusy(String workerClass) {
		try (RunningServer server = RunningServer.start(with(oneSlot(workerClass), EXPOSE, GRANT))) {
			List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				slow.add(server.getAsync("/test?ms=3000"));
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> state(server).get("busy").equals(1) && state(server).get("queued").equals(2));

			long start = System.nanoTime();
			Map<String, Object> saturated = state(server);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
			assertThat(saturated).containsEntry("busy", 1).containsEntry("queued", 2).containsEntry("idle", 0);

			start = System.nanoTime();
			// Undertow's I/O threads are fixed: there capacity grows by connections per worker.
			HttpResponse<String> resized = server.post("/actuator/workers",
					workerClass.endsWith("@undertow") ? "{\"workerConnections\": 3}" : "{\"workers\": 3}");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
			assertThat(resized.statusCode()).isEqualTo(200);
			// The new capacity takes the waiting requests at once.
			assertThat(body(resized)).containsEntry("capacity", 3).containsEntry("queued", 0).containsEntry("busy", 3);

			for (CompletableFuture<HttpResponse<String>> reply : slow) {
				assertThat(reply.join().statusCode()).isEqualTo(200);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> state(server).get("busy").equals(0));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual", "reactive" })
	void resizingUnderLoadLosesNoRequestAndCountersReturnToZero(String workerClass) throws Exception {
		try (RunningServer server = RunningServer.start(with(oneSlot(workerClass), EXPOSE, GRANT, "server.max-workers=8"))) {
			AtomicBoolean running = new AtomicBoolean(true);
			ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
			ExecutorService clients = Executors.newFixedThreadPool(9);
			List<CompletableFuture<Integer>> served = new ArrayList<>();
			for (int c = 0; c < 8; c++) {
				served.add(CompletableFuture.supplyAsync(() -> {
					int count = 0;
					while (running.get()) {
						HttpResponse<String> response = server.get("/test?ms=15");
						if (response.statusCode() != 200 || !response.body().equals("hello")) {
							failures.add(response.statusCode() + " " + response.body());
						}
						count++;
					}
					return count;
				}, clients));
			}
			CompletableFuture<Integer> resizer = CompletableFuture.supplyAsync(() -> {
				int resizes = 0;
				int[] sizes = { 4, 1, 7, 2, 6, 1, 3 }; // a ttin follows each: at most 8
				while (running.get()) {
					String path = (resizes % 3 == 0) ? "/actuator/workers/ttin" : (resizes % 3 == 1)
							? "/actuator/workers/ttou" : null;
					HttpResponse<String> response = (path != null) ? server.post(path, null)
							: server.post("/actuator/workers", "{\"workers\": " + sizes[resizes % sizes.length] + "}");
					if (response.statusCode() != 200) {
						failures.add("resize: " + response.statusCode() + " " + response.body());
					}
					resizes++;
					sleep(20);
				}
				return resizes;
			}, clients);
			sleep(2500);
			running.set(false);
			int requests = served.stream().mapToInt(CompletableFuture::join).sum();
			int resizes = resizer.join();
			clients.shutdown();
			assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

			assertThat(failures).isEmpty();
			assertThat(requests).isGreaterThan(20);
			assertThat(resizes).isGreaterThan(10);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(
					() -> assertThat(state(server)).containsEntry("busy", 0).containsEntry("queued", 0));
			assertThat(((Number) state(server).get("completed")).longValue()).isGreaterThanOrEqualTo(requests);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "thread", "reactive", "reactive@undertow" })
	void metersTellWhatTheEndpointTells(String engineAndClass) {
		String workerClass = engineAndClass.split("@")[0];
		boolean fixedWorkers = engineAndClass.endsWith("@undertow");
		try (RunningServer server = RunningServer.start(with(oneSlot(engineAndClass), EXPOSE, GRANT))) {
			CompletableFuture<HttpResponse<String>> slow = server.getAsync("/test?ms=1500");
			await().atMost(Duration.ofSeconds(10)).until(() -> state(server).get("busy").equals(1));
			CompletableFuture<HttpResponse<String>> waiting = server.getAsync("/test?ms=1");
			await().atMost(Duration.ofSeconds(10)).until(() -> state(server).get("queued").equals(1));
			if (fixedWorkers) {
				server.post("/actuator/workers", "{\"workerConnections\": 3}");
			}
			else {
				server.post("/actuator/workers/ttin", "{\"by\": 2}");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> state(server).get("queued").equals(0));
			MeterRegistry registry = server.context().getBean(MeterRegistry.class);
			Map<String, Object> state = state(server);
			assertThat(gauge(registry, "workers.capacity", workerClass)).isEqualTo(3.0);
			assertThat(gauge(registry, "workers.count", workerClass)).isEqualTo(fixedWorkers ? 1.0 : 3.0);
			assertThat(gauge(registry, "workers.busy", workerClass))
				.isEqualTo(((Number) state.get("busy")).doubleValue());
			assertThat(gauge(registry, "workers.queued", workerClass)).isEqualTo(0.0);
			assertThat(registry.get("workers.resizes").tag("worker.class", workerClass).functionCounter().count())
				.isEqualTo(1.0);
			slow.join();
			waiting.join();
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(registry.get("workers.completed")
				.tag("worker.class", workerClass)
				.functionCounter()
				.count()).isGreaterThanOrEqualTo(2.0));
			assertThat(body(server.get("/actuator/health"))).containsEntry("status", "UP");
			assertThat(server.get("/actuator/info").body()).contains("\"workerClass\":\"" + workerClass + "\"");
		}
	}

	private static double gauge(MeterRegistry registry, String name, String workerClass) {
		return registry.get(name).tag("worker.class", workerClass).gauge().value();
	}

	@Test
	void onUndertowTheIoThreadsAreTheWorkersAndCannotBeResized() {
		try (RunningServer server = RunningServer.start(EXPOSE, GRANT, "server.worker-class=reactive",
				"server.engine=undertow", "server.workers=3", "server.worker-connections=2", "server.max-workers=6")) {
			assertThat(((UndertowWebServer) server.webServer()).getUndertow().getWorker().getIoThreadCount())
				.isEqualTo(3);
			assertThat(state(server)).containsEntry("workerClass", "reactive")
				.containsEntry("engine", "undertow")
				.containsEntry("workers", 3)
				.containsEntry("workerConnections", 2)
				.containsEntry("capacity", 6)
				.containsKey("offload");
			for (String resize : List.of("{\"workers\": 4}", "{\"workers\": 2, \"workerConnections\": 5}")) {
				HttpResponse<String> refused = server.post("/actuator/workers", resize);
				assertThat(refused.statusCode()).as(resize).isEqualTo(400);
				assertThat(body(refused).get("detail").toString()).as(resize)
					.contains("Undertow's I/O threads are fixed")
					.contains("nothing was changed");
			}
			assertThat(server.post("/actuator/workers/ttin", null).statusCode()).isEqualTo(400);
			assertThat(server.post("/actuator/workers/ttou", null).statusCode()).isEqualTo(400);
			// The same count, or only connections per worker: those change honestly.
			assertThat(server.post("/actuator/workers", "{\"workers\": 3}").statusCode()).isEqualTo(200);
			HttpResponse<String> resized = server.post("/actuator/workers", "{\"workerConnections\": 4}");
			assertThat(resized.statusCode()).isEqualTo(200);
			assertThat(body(resized)).containsEntry("workers", 3).containsEntry("capacity", 12);
			assertThat(server.get("/test?ms=1").body()).isEqualTo("hello");
		}
	}

	@Test
	void nothingIsExposedOverHttpUnlessTheUserIncludesIt() {
		try (RunningServer server = RunningServer.start("server.worker-class=virtual")) {
			assertThat(server.get("/actuator/workers").statusCode()).isEqualTo(404);
			assertThat(server.post("/actuator/workers", "{\"workers\": 2}").statusCode()).isEqualTo(404);
		}
	}

	@Test
	void exposingEverythingShowsTheWorkersAndRefusesEveryResize() {
		// The common "include=*": any client could otherwise cut the capacity to one.
		try (RunningServer server = RunningServer.start("server.worker-class=thread",
				"management.endpoints.web.exposure.include=*")) {
			assertThat(server.get("/actuator/workers").statusCode()).isEqualTo(200);
			assertThat(server.post("/actuator/workers", "{\"workers\": 1, \"threads\": 1}").statusCode()).isIn(404, 405);
			assertThat(server.post("/actuator/workers/ttou", null).statusCode()).isIn(404, 405);
			assertThat(state(server)).containsEntry("threads", 200).containsEntry("resizes", 0);
		}
	}

	@Test
	void readOnlyAccessAllowsGetAndRefusesPost() {
		try (RunningServer server = RunningServer.start("server.worker-class=virtual", EXPOSE,
				"management.endpoint.workers.access=read-only")) {
			assertThat(server.get("/actuator/workers").statusCode()).isEqualTo(200);
			assertThat(server.post("/actuator/workers", "{\"workers\": 2}").statusCode()).isIn(404, 405);
			assertThat(server.post("/actuator/workers/ttin", null).statusCode()).isIn(404, 405);
			assertThat(state(server)).containsEntry("workers", 1).containsEntry("resizes", 0);
		}
	}

	@Test
	void aSeparateManagementPortWorksToo() {
		try (RunningServer server = RunningServer.start(with(oneSlot("sync"), EXPOSE, GRANT, "management.server.port=0",
				"management.server.address=127.0.0.1"))) {
			String port = server.context().getEnvironment().getProperty("local.management.port");
			URI workers = URI.create("http://127.0.0.1:" + port + "/actuator/workers");
			CompletableFuture<HttpResponse<String>> slow = server.getAsync("/test?ms=2000");
			await().atMost(Duration.ofSeconds(10)).until(() -> body(server.get(workers)).get("busy").equals(1));
			HttpResponse<String> resized = server.post(workers, "{\"workers\": 2}");
			assertThat(resized.statusCode()).isEqualTo(200);
			assertThat(body(resized)).containsEntry("workers", 2);
			assertThat(server.get("/actuator/workers").statusCode()).isEqualTo(404);
			assertThat(slow.join().statusCode()).isEqualTo(200);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void aSeparateManagementPortWorksUnderReactive(String engine) {
		// Tomcat and Reactor Netty are both on this class path, as the starter leaves them.
		try (RunningServer server = RunningServer.start("server.worker-class=reactive", "server.engine=" + engine,
				EXPOSE, GRANT, "management.server.port=0", "management.server.address=127.0.0.1")) {
			String port = server.context().getEnvironment().getProperty("local.management.port");
			HttpResponse<String> workers = server.get(URI.create("http://127.0.0.1:" + port + "/actuator/workers"));
			assertThat(workers.statusCode()).isEqualTo(200);
			assertThat(body(workers)).containsEntry("workerClass", "reactive").containsEntry("engine", engine);
			assertThat(server.get("/actuator/workers").statusCode()).isEqualTo(404);
			assertThat(server.get("/test-async?ms=1").statusCode()).isEqualTo(200);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
