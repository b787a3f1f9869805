package dev.workerclass.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A concurrency limit on a real server, in front of a saturated downstream (a pool of four
 * "connections"): many virtual threads would pile up behind it; the limit keeps the requests in
 * flight within its range (4 to 8 here, near what the pool serves) and refuses the rest fast, with
 * 503 and Retry-After, while the pool stays about as busy as before. How the algorithms move the
 * limit within the range is specified by {@code AdaptiveLimitTests}, on samples of its own.
 */
class ConcurrencyLimitIT {

	private static final int CLIENTS = 60;

	private static final Duration LOAD = Duration.ofSeconds(6);

	/**
	 * Under {@code virtual} the handler's virtual thread waits on the pool; under {@code reactive}
	 * the blocking handler is offloaded and its event-loop slot waits. Either way the worker slots
	 * enforce the limit.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "virtual", "reactive" })
	void aGradientLimitCutsTheLatencyBehindASaturatedPoolAndRefusesTheRestWithRetryAfter(String workerClass)
			throws Exception {
		String[] base = { "server.worker-class=" + workerClass, "server.workers=1", "server.worker-connections=200",
				"management.endpoints.web.exposure.include=workers" };
		Load fixed;
		try (RunningServer server = RunningServer.start(PoolApp.class, base)) {
			fixed = load(server);
		}
		Load limited;
		Map<String, Object> limit;
		try (RunningServer server = RunningServer.start(PoolApp.class,
				with(base, "server.concurrency-limit.algorithm=gradient", "server.concurrency-limit.min=4",
						"server.concurrency-limit.max=8"))) {
			limited = load(server);
			limit = server.workers();
		}
		System.out.printf("%s fixed: %s; gradient: %s; %s%n", workerClass, fixed, limited, limit.get("limit"));
		// Fixed: every client's request is in flight, waiting for one of four connections.
		assertThat(fixed.refused).isZero();
		assertThat(fixed.median()).isGreaterThan(Duration.ofMillis(200));
		// Limited: a fraction of the wait, the excess refused fast, and as much served (within a margin).
		// The median, not the tail: on two shared cores the first requests' JIT pauses make the tail.
		assertThat(limited.median()).isLessThan(fixed.median().dividedBy(2));
		assertThat(limited.percentile(0.99)).isLessThan(fixed.percentile(0.99));
		assertThat(limited.refused).isPositive();
		assertThat(limited.refusedWithoutRetryAfter).isZero();
		assertThat(limited.served).isGreaterThan(fixed.served * 6 / 10);
		assertThat(limit.get("limit")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("algorithm", "gradient")
			.containsEntry("min", 4)
			.containsEntry("max", 8);
	}

	private static String[] with(String[] base, String... more) {
		List<String> all = new ArrayList<>(List.of(base));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	/** {@link #CLIENTS} loops of requests for {@link #LOAD}; a refused client pauses 100 ms, as a polite one would. */
	private static Load load(RunningServer server) throws Exception {
		URI uri = server.uri("/pool?ms=25");
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		// Warm-up: one request per client, not counted.
		server.get("/pool?ms=1");
		Load load = new Load();
		long end = System.nanoTime() + LOAD.toNanos();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < CLIENTS; i++) {
			threads.add(Thread.ofVirtual().start(() -> {
				while (System.nanoTime() < end) {
					long start = System.nanoTime();
					HttpResponse<String> response;
					try {
						response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
								HttpResponse.BodyHandlers.ofString());
					}
					catch (Exception ex) {
						load.failed.incrementAndGet();
						load.failures.add(ex.toString());
						continue;
					}
					long took = System.nanoTime() - start;
					if (response.statusCode() == 200) {
						load.latencies.add(took);
						load.servedCount.incrementAndGet();
					}
					else if (response.statusCode() == 503) {
						load.refusedCount.incrementAndGet();
						if (response.headers().firstValue("Retry-After").isEmpty()) {
							load.noRetryAfter.incrementAndGet();
						}
						try {
							Thread.sleep(100);
						}
						catch (InterruptedException ex) {
							return;
						}
					}
					else {
						load.failed.incrementAndGet();
						load.failures.add(response.statusCode() + " " + response.body());
					}
				}
			}));
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(load.failed).as("failures: %s", load.failures).hasValue(0);
		load.served = load.servedCount.get();
		load.refused = load.refusedCount.get();
		load.refusedWithoutRetryAfter = load.noRetryAfter.get();
		return load;
	}

	private static final class Load {

		final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

		final AtomicLong servedCount = new AtomicLong();

		final AtomicLong refusedCount = new AtomicLong();

		final AtomicLong noRetryAfter = new AtomicLong();

		final AtomicLong failed = new AtomicLong();

		final List<String> failures = Collections.synchronizedList(new ArrayList<>());

		long served;

		long refused;

		long refusedWithoutRetryAfter;

		Duration median() {
			return percentile(0.5);
		}

		Duration percentile(double share) {
			List<Long> sorted = new ArrayList<>(this.latencies);
			Collections.sort(sorted);
			assertThat(sorted).isNotEmpty();
			return Duration.ofNanos(sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * share))));
		}

		@Override
		public String toString() {
			return this.served + " served (median " + median().toMillis() + " ms, p99 " + percentile(0.99).toMillis()
					+ " ms), " + this.refused + " refused";
		}

	}

	/** An app whose one route holds one of four "connections", as a JDBC pool of four would. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class PoolApp {

		@RestController
		static class Routes {

			private final Semaphore connections = new Semaphore(4, true);

			@GetMapping("/pool")
			String pool(@RequestParam long ms) throws InterruptedException {
				this.connections.acquire();
				try {
					Thread.sleep(ms);
				}
				finally {
					this.connections.release();
				}
				return "ok";
			}

		}

	}

}
