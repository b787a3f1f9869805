package dev.workerclass.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.workerclass.autoscale.Autoscaler;
import dev.workerclass.autoscale.Decision;
import dev.workerclass.autoscale.Decision.Direction;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Autoscaling on a real server ({@code thread} on Tomcat, one worker of two threads, up to eight):
 * a burst grows the workers, so it ends sooner than on a server of fixed size, and idleness shrinks
 * them back; the workers endpoint still resizes by hand, and the autoscaler goes on from there. Margins are generous: the machine is shared.
 */
class AutoscaleIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String[] SMALL = { "server.worker-class=thread", "server.workers=1", "server.threads=2",
			"server.max-workers=8", "management.endpoints.web.exposure.include=workers",
			"management.endpoint.workers.access=unrestricted" };

	private static final String[] AUTOSCALED = { "server.autoscale.enabled=true", "server.autoscale.interval=50ms",
			"server.autoscale.grow-after=1s", "server.autoscale.shrink-after=2s", "server.autoscale.cooldown=1s" };

	private static String[] autoscaled() {
		String[] all = new String[SMALL.length + AUTOSCALED.length];
		System.arraycopy(SMALL, 0, all, 0, SMALL.length);
		System.arraycopy(AUTOSCALED, 0, all, SMALL.length, AUTOSCALED.length);
		return all;
	}

	private static int workers(RunningServer server) {
		return (Integer) server.workers().get("workers");
	}

	@SuppressWarnings("unchecked")
	private static int workers(String body) {
		return (Integer) json.readValue(body, Map.class).get("workers");
	}

	@Test
	void aBurstGrowsTheWorkersIdlenessShrinksThemBackAndTheEndpointStillResizes() {
		Duration fixed;
		try (RunningServer server = RunningServer.start(SMALL)) {
			assertThat(server.context().getBeanProvider(Autoscaler.class).getIfAvailable()).isNull();
			// 40 requests of 300 ms, 2 at a time: at least 6 s.
			fixed = server.timeConcurrent(40, "/test?ms=300");
		}
		try (RunningServer server = RunningServer.start(autoscaled())) {
			List<Decision> decisions = new CopyOnWriteArrayList<>();
			server.context().getBean(Autoscaler.class).onDecision(decisions::add);
			long start = System.nanoTime();
			Duration autoscaled = server.timeConcurrent(40, "/test?ms=300");

			assertThat(decisions).first().satisfies((growth) -> {
				assertThat(growth.direction()).isEqualTo(Direction.UP);
				assertThat(growth.from()).isEqualTo(1);
				assertThat(growth.to()).isGreaterThan(1).isLessThanOrEqualTo(8);
				assertThat(growth.at()).isNotNull();
			});
			assertThat(decisions).filteredOn((decision) -> decision.direction() == Direction.UP)
				.allSatisfy((growth) -> assertThat(growth.to()).isLessThanOrEqualTo(8));
			assertThat(autoscaled).as("burst with autoscaling vs fixed %s", fixed)
				.isLessThan(Duration.ofMillis((long) (fixed.toMillis() * 0.7)));

			// Idle now: back to the minimum, server.workers.
			await().atMost(Duration.ofSeconds(15)).until(() -> workers(server) == 1);
			assertThat(decisions).last().satisfies((shrink) -> {
				assertThat(shrink.direction()).isEqualTo(Direction.DOWN);
				assertThat(shrink.to()).isEqualTo(1);
			});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

			// The workers endpoint still resizes while the autoscaler runs.
			Autoscaler autoscaler = server.context().getBean(Autoscaler.class);
			assertThat(autoscaler.isRunning()).isTrue();
			long decided = autoscaler.report().decisions();
			HttpResponse<String> resized = server.post("/actuator/workers", "{\"workers\": 3}");
			assertThat(resized.statusCode()).isEqualTo(200);
			assertThat(workers(resized.body())).isEqualTo(3);
			HttpResponse<String> ttin = server.post("/actuator/workers/ttin", null);
			assertThat(workers(ttin.body())).isEqualTo(4);
			// A manual resize is not the autoscaler's decision, and starts its cool-down.
			assertThat(autoscaler.report().decisions()).isEqualTo(decided);
			// Idle at 4: after the cool-down and the shrink time it goes back to the minimum.
			await().atMost(Duration.ofSeconds(15)).until(() -> workers(server) == 1);
			assertThat(autoscaler.report().last()).isNotNull().satisfies((decision) -> {
				assertThat(decision.direction()).isEqualTo(Direction.DOWN);
				assertThat(decision.from()).isEqualTo(4);
			});
			assertThat(server.get("/test?ms=1").body()).isEqualTo("hello");
		}
	}

}
