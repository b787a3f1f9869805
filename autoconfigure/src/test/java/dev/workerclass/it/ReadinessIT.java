package dev.workerclass.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness that a load balancer or Kubernetes can follow, on real servers: out of the readiness
 * group while the line is full, back once it has drained, liveness UP throughout; and on SIGTERM,
 * readiness down first, the requests in flight finished, new connections refused, the process gone.
 */
class ReadinessIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Boot's probes as Boot makes them. The readiness group is left unconfigured on purpose: setting
	 * anything of it (even show-details) would make it a group of every indicator, workers included
	 * whatever the starter does. Its members' details are read from {@code /actuator/health/workers}.
	 */
	private static final String[] PROBES = { "management.endpoint.health.probes.enabled=true",
			"management.endpoints.web.exposure.include=health,workers", "management.endpoint.health.show-details=always" };

	@ParameterizedTest
	@ValueSource(strings = { "thread", "reactive" })
	@SuppressWarnings("unchecked")
	void aFullLineTakesTheInstanceOutOfReadinessButNotLivenessAndADrainedOneBringsItBack(String workerClass) {
		List<String> properties = new ArrayList<>(List.of(PROBES));
		properties.addAll(List.of("server.worker-class=" + workerClass, "server.workers=1", "server.threads=1",
				"server.worker-connections=1", "server.max-queued=1", "server.readiness.hold=1s"));
		// Under reactive a blocking-style handler would run on the offload pool: a Mono keeps it on the slots.
		String slow = workerClass.equals("reactive") ? "/test-async?ms=4000" : "/test?ms=4000";
		try (RunningServer server = RunningServer.start(properties.toArray(String[]::new))) {
			assertThat(server.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
			CompletableFuture<HttpResponse<String>> running = server.getAsync(slow);
			await().atMost(Duration.ofSeconds(10)).until(() -> busy(server) == 1);
			CompletableFuture<HttpResponse<String>> waiting = server.getAsync(slow);
			await().atMost(Duration.ofSeconds(10)).until(() -> queued(server) == 1);

			HttpResponse<String> readiness = server.get("/actuator/health/readiness");
			assertThat(readiness.statusCode()).isEqualTo(503);
			assertThat(body(readiness)).containsEntry("status", "OUT_OF_SERVICE");
			Map<String, Object> workers = body(server.get("/actuator/health/workers"));
			assertThat(workers).containsEntry("status", "OUT_OF_SERVICE");
			assertThat((Map<String, Object>) workers.get("details")).containsEntry("shedding", true)
				.containsEntry("queued", 1);
			HttpResponse<String> liveness = server.get("/actuator/health/liveness");
			assertThat(liveness.statusCode()).isEqualTo(200);
			assertThat(body(liveness)).containsEntry("status", "UP");
			// The line is full: the next request is refused, as the probe warned.
			assertThat(server.get(slow).statusCode()).isEqualTo(503);

			assertThat(running.join().statusCode()).isEqualTo(200);
			assertThat(waiting.join().statusCode()).isEqualTo(200);
			// Back once the line is empty and a hold of 1 s has passed since the refusal.
			await().atMost(Duration.ofSeconds(15))
				.until(() -> server.get("/actuator/health/readiness").statusCode() == 200);
			assertThat(body(server.get("/actuator/health/readiness"))).containsEntry("status", "UP");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "thread", "reactive" })
	@SuppressWarnings("unchecked")
	void onSigtermReadinessGoesDownThenInFlightRequestsFinishThenConnectionsAreRefusedThenTheProcessExits(
			String workerClass) throws Exception {
		String slow = workerClass.equals("reactive") ? "/test-async?ms=7000" : "/test?ms=7000";
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), TestApp.class.getName(), "--server.port=0",
				"--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--server.worker-class=" + workerClass,
				"--server.threads=8", "--server.readiness.drain-delay=3s", "--server.graceful-timeout=20s"));
		for (String probe : PROBES) {
			command.add("--" + probe);
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			int port = portFromLog(process);
			HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			// The port is logged when the server starts, a moment before the application is ready.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> get(client, port, "/actuator/health/readiness").statusCode() == 200);

			List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				inFlight.add(fresh().sendAsync(request(port, slow), HttpResponse.BodyHandlers.ofString()));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				Map<String, Object> workers = body(get(client, port, "/actuator/workers"));
				return ((Number) workers.get("busy")).intValue() == 3;
			});
			long sigterm = System.nanoTime();
			process.toHandle().destroy();

			// 1. Readiness goes down at once, while the server still serves new connections.
			await().atMost(Duration.ofSeconds(2))
				.until(() -> get(fresh(), port, "/actuator/health/readiness").statusCode() == 503);
			Map<String, Object> workers = body(get(fresh(), port, "/actuator/health/workers"));
			assertThat(workers).containsEntry("status", "OUT_OF_SERVICE");
			assertThat((Map<String, Object>) workers.get("details")).containsEntry("draining", true);
			assertThat(get(fresh(), port, "/test?ms=10").statusCode()).isEqualTo(200);
			assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).isLessThan(Duration.ofSeconds(3));

			// 2. After the drain delay the listener closes while the requests in flight still run.
			await().atMost(Duration.ofSeconds(10)).until(() -> refused(port));
			assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
			assertThat(inFlight).allSatisfy((reply) -> assertThat(reply).isNotDone());

			// 3. They all finish, answered in full.
			for (CompletableFuture<HttpResponse<String>> reply : inFlight) {
				HttpResponse<String> response = reply.get(20, TimeUnit.SECONDS);
				assertThat(response.statusCode()).isEqualTo(200);
				assertThat(response.body()).isEqualTo("hello");
			}

			// 4. And the process exits, well within the graceful timeout.
			assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static int portFromLog(Process process) throws IOException {
		Pattern started = Pattern.compile("started on port (\\d+)");
		BufferedReader log = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		String line;
		while (System.nanoTime() < deadline && (line = log.readLine()) != null) {
			Matcher matcher = started.matcher(line);
			if (matcher.find()) {
				int port = Integer.parseInt(matcher.group(1));
				// Keep draining the log, so that the child never blocks on a full pipe.
				Thread.ofVirtual().start(() -> {
					try {
						while (log.readLine() != null) {
							// discarded
						}
					}
					catch (IOException ex) {
						// the process ended
					}
				});
				return port;
			}
		}
		throw new IllegalStateException("The app did not log its port within 60 s");
	}

	private static boolean refused(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static HttpClient fresh() {
		return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
	}

	private static HttpRequest request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.build();
	}

	private static HttpResponse<String> get(HttpClient client, int port, String path) {
		try {
			return client.send(request(port, path), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int busy(RunningServer server) {
		return ((Number) server.workers().get("busy")).intValue();
	}

	private static int queued(RunningServer server) {
		return ((Number) server.workers().get("queued")).intValue();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(HttpResponse<String> response) {
		return JSON.readValue(response.body(), Map.class);
	}

}
