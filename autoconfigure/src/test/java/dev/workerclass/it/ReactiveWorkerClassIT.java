package dev.workerclass.it;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.workerclass.netty.ResizableEventLoops;
import dev.workerclass.undertow.UndertowReactiveWebServerFactory;
import dev.workerclass.undertow.UndertowWebServer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.reactor.netty.NettyWebServer;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code reactive} on each of its engines, Reactor Netty and Undertow, with Tomcat and Spring MVC on the class path too: the same
 * controllers run as WebFlux handlers; blocking-style ones never touch an event loop.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReactiveWorkerClassIT {

	/** The name every event-loop thread of the engine starts with. */
	static String loopThreadPrefix(String engine) {
		return engine.equals("netty") ? ResizableEventLoops.THREAD_PREFIX
				: UndertowReactiveWebServerFactory.WORKER_NAME + " I/O-";
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void reactiveServesWebFluxFromItsEngineEvenWithTomcatPresent(String engine, CapturedOutput output) {
		try (RunningServer server = RunningServer.start("server.engine=" + engine, "server.worker-class=reactive",
				"server.workers=2")) {
			assertThat(server.context()).isInstanceOf(ReactiveWebServerApplicationContext.class);
			assertThat(server.webServer())
				.isInstanceOf(engine.equals("netty") ? NettyWebServer.class : UndertowWebServer.class);
			assertThat(output).contains("Using worker class reactive (workers=2, worker-connections=1000, capacity=2000) on "
					+ (engine.equals("netty") ? "Netty" : "Undertow"));
			if (server.webServer() instanceof UndertowWebServer undertow) {
				// server.address and port 0 as given: bound to loopback only, on the port it reports.
				assertThat(undertow.getUndertow().getListenerInfo()).singleElement()
					.satisfies((listener) -> assertThat(listener.getAddress())
						.isEqualTo(new InetSocketAddress("127.0.0.1", undertow.getPort())));
				assertThat(undertow.getUndertow().getWorker().getIoThreadCount()).isEqualTo(2);
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void nonBlockingHandlersScaleOnTheEventLoop(String engine) {
		try (RunningServer server = RunningServer.start("server.engine=" + engine, "server.worker-class=tornado", "server.workers=1")) {
			assertThat(server.timeConcurrent(10, "/test-async")).isLessThan(Duration.ofMillis(900));
			assertThat(server.get("/thread-async").body()).startsWith(loopThreadPrefix(engine));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void aPortInUseFailsStartUpWithBootsPortInUseFailure(String engine) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			assertThatThrownBy(() -> RunningServer.start("server.engine=" + engine, "server.worker-class=reactive",
					"server.port=" + taken.getLocalPort()))
				.satisfies((ex) -> assertThat(causes(ex)).hasAtLeastOneElementOfType(PortInUseException.class));
		}
	}

	private static List<Throwable> causes(Throwable ex) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void blockOnAnEventLoopFailsAtOnceInsteadOfStallingIt(String engine) {
		try (RunningServer server = RunningServer.start("server.engine=" + engine, "server.worker-class=reactive",
				"server.workers=1")) {
			assertThat(server.get("/block-on-loop").statusCode()).isEqualTo(500);
			assertThat(server.get("/test-async?ms=1").body()).isEqualTo("hello");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void blockingHandlersRunOnTheOffloadPoolNeverOnAnEventLoop(String engine) {
		try (RunningServer server = RunningServer.start("server.engine=" + engine, "server.worker-class=reactive", "server.workers=1")) {
			for (int i = 0; i < 20; i++) {
				assertThat(server.get("/thread").body()).startsWith("workerclass-offload-").endsWith(" platform");
			}
			// Blocking handlers on the offload pool still serve concurrently while the single loop stays free.
			assertThat(server.timeConcurrent(10, "/test")).isLessThan(Duration.ofMillis(900));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void aHandlerThatBlocksTheLoopIsReportedWithItsStack(String engine, CapturedOutput output) {
		try (RunningServer server = RunningServer.start("server.engine=" + engine, "server.worker-class=reactive", "server.workers=1",
				"management.endpoints.web.exposure.include=workers",
				"management.endpoint.workers.access=unrestricted")) {
			assertThat(server.get("/block-loop?ms=1200").body()).isEqualTo("blocked");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				String workers = server.get("/actuator/workers").body();
				assertThat(workers).contains("\"blockedLoops\":1").contains("blocked-loop").contains("blockLoop");
			});
			assertThat(output).contains("WARN").contains("Move the blocking call off the event loop");
			// Non-blocking handlers leave no trace.
			server.timeConcurrent(10, "/test-async");
			assertThat(server.get("/actuator/workers").body()).contains("\"blockedLoops\":1");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void aBlockingStyleRequestTakesOneOffloadThreadNotTwo(String engine) {
		try (RunningServer server = RunningServer.start("server.engine=" + engine, "server.worker-class=reactive", "server.workers=1",
				"server.offload-threads=1", "server.max-queued=0", "management.endpoints.web.exposure.include=workers",
				"management.endpoint.workers.access=unrestricted")) {
			for (int i = 0; i < 5; i++) {
				assertThat(server.get("/test?ms=1").statusCode()).isEqualTo(200);
				// The offload thread gives its slot back just after the response has gone out; with no
				// line (max-queued=0) the next request must not overtake that.
				await().atMost(Duration.ofSeconds(5))
					.until(() -> server.get("/actuator/workers").body().contains("\"offload\":{\"threads\":1,\"busy\":0"));
			}
			assertThat(server.get("/actuator/workers").body()).contains("\"offload\":{\"threads\":1,\"busy\":0,"
					+ "\"queued\":0,\"completed\":5,\"rejected\":0");
			// With the only offload thread taken and no line, the next blocking request gets 503, not 500.
			CompletableFuture<HttpResponse<String>> holder = server.getAsync("/test?ms=1500");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> server.get("/actuator/workers").body().contains("\"offload\":{\"threads\":1,\"busy\":1"));
			HttpResponse<String> refused = server.get("/test?ms=1");
			assertThat(refused.statusCode()).isEqualTo(503);
			// The offload line's drain time: 1 s until a rate is measured, at most server.timeout (30 s).
			assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
					(seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 30));
			assertThat(refused.body()).contains("offload threads");
			assertThat(holder.join().statusCode()).isEqualTo(200);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void aResponseAlreadyStreamingIsNotCutAtTheTimeout(String engine) {
		try (RunningServer server = RunningServer.start("server.engine=" + engine, "server.worker-class=reactive", "server.timeout=300ms")) {
			HttpResponse<String> response = server.get("/stream?items=8&ms=100");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("01234567");
			assertThat(server.get("/test-async?ms=1000").statusCode()).isEqualTo(503);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void everySlotComesBackWhenOffloadedHandlersFinishBeforeTheLoopMovesOn(String engine) {
		// An offloaded handler can finish the whole exchange on its own thread while the loop is
		// still inside admission; each such request once kept its slot (hey -c 20: ~15% leaked).
		try (RunningServer server = RunningServer.start("server.engine=" + engine, "server.worker-class=reactive", "server.workers=1",
				"management.endpoints.web.exposure.include=workers",
				"management.endpoint.workers.access=unrestricted")) {
			for (int batch = 0; batch < 100; batch++) {
				List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
				for (int i = 0; i < 20; i++) {
					replies.add(server.getAsyncKeepAlive("/thread"));
				}
				replies.forEach((reply) -> assertThat(reply.join().statusCode()).isEqualTo(200));
			}
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(server.get("/actuator/workers").body()).contains("\"busy\":0,"));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void everySlotComesBackAfterClientsThatPipelineAndHangUp(String engine) throws Exception {
		try (RunningServer server = RunningServer.start("server.engine=" + engine, "server.worker-class=reactive", "server.workers=2",
				"management.endpoints.web.exposure.include=workers",
				"management.endpoint.workers.access=unrestricted")) {
			byte[] request = "GET /test-async?ms=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
			ExecutorService clients = Executors.newFixedThreadPool(50);
			List<Future<?>> done = new ArrayList<>();
			for (int c = 0; c < 50; c++) {
				done.add(clients.submit(() -> {
					// Like a load tool at its end: requests sent back to back, then the connection dropped.
					for (int round = 0; round < 10; round++) {
						try (Socket socket = new Socket("127.0.0.1", server.webServer().getPort())) {
							OutputStream out = socket.getOutputStream();
							for (int i = 0; i < 20; i++) {
								out.write(request);
							}
							out.flush();
							socket.getInputStream().read(new byte[512]);
						}
					}
					return null;
				}));
			}
			for (Future<?> client : done) {
				client.get(60, TimeUnit.SECONDS);
			}
			clients.shutdown();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(server.get("/actuator/workers").body()).contains("\"busy\":0,"));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "netty", "undertow" })
	void reactiveAdmitsNoMoreThanWorkersTimesWorkerConnections(String engine) {
		try (RunningServer server = RunningServer.start("server.engine=" + engine, "server.worker-class=reactive", "server.workers=1",
				"server.worker-connections=2")) {
			assertThat(server.timeConcurrent(10, "/test-async")).isBetween(Duration.ofMillis(990),
					Duration.ofMillis(1900));
		}
	}

}
