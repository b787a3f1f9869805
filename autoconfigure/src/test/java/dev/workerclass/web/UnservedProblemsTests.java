package dev.workerclass.web;

import java.time.Duration;
import java.util.Map;

import dev.workerclass.workers.Unserved;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UnservedProblems}: each way a request goes unserved gets a 503 problem detail
 * of its own type, a detail that says why and the same facts as properties, written as
 * {@code application/problem+json} with the properties beside the standard members.
 */
class UnservedProblemsTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void aFullLineOfWorkerSlotsNamesItsCapacityAndItsLine() {
		Map<String, Object> problem = written(new Unserved.LineFull(Unserved.Pool.WORKERS, 1, 2));
		assertThat(problem).containsOnlyKeys("type", "title", "status", "detail", "pool", "capacity", "queued", "retryAfter")
			.containsEntry("type", "urn:workerclass:problem:line-full")
			.containsEntry("title", "No room in line")
			.containsEntry("status", 503)
			.containsEntry("detail", "all 1 worker slots are busy and 2 requests are already waiting, the most allowed")
			.containsEntry("pool", "workers")
			.containsEntry("capacity", 1)
			.containsEntry("queued", 2)
			.containsEntry("retryAfter", 1);
	}

	@Test
	void aFullOffloadLineSaysSo() {
		assertThat(written(new Unserved.LineFull(Unserved.Pool.OFFLOAD, 4, 100)))
			.containsEntry("type", "urn:workerclass:problem:line-full")
			.containsEntry("detail",
					"all 4 offload threads are busy and 100 requests are already waiting, the most allowed")
			.containsEntry("pool", "offload");
	}

	@Test
	void anOffloadRefusalWithoutCountsIsALineFullToo() {
		assertThat(written(new Unserved.OffloadRefused()))
			.containsOnlyKeys("type", "title", "status", "detail", "pool", "retryAfter")
			.containsEntry("type", "urn:workerclass:problem:line-full")
			.containsEntry("status", 503)
			.containsEntry("detail", "all offload threads are busy and their line is full")
			.containsEntry("pool", "offload");
	}

	@Test
	void aTimeoutNamesThePropertyAndItsValue() {
		assertThat(written(new Unserved.TimedOut(Duration.ofMillis(500))))
			.containsOnlyKeys("type", "title", "status", "detail", "timeout", "retryAfter")
			.containsEntry("type", "urn:workerclass:problem:timed-out")
			.containsEntry("title", "Request timed out")
			.containsEntry("status", 503)
			.containsEntry("detail", "the request took longer than server.timeout=500ms")
			.containsEntry("timeout", "PT0.5S");
		assertThat(written(new Unserved.TimedOut(Duration.ofSeconds(30))))
			.containsEntry("detail", "the request took longer than server.timeout=30s");
	}

	@Test
	void retryAfterIsTheSecondsEachUnservedRequestCarries() {
		assertThat(UnservedProblems.retryAfter(new Unserved.LineFull(Unserved.Pool.WORKERS, 1, 6, 3))).isEqualTo("3");
		assertThat(UnservedProblems.retryAfter(new Unserved.OffloadRefused(7))).isEqualTo("7");
		assertThat(UnservedProblems.retryAfter(new Unserved.TimedOut(Duration.ofSeconds(30), 12))).isEqualTo("12");
		assertThat(written(new Unserved.LineFull(Unserved.Pool.WORKERS, 1, 6, 3))).containsEntry("retryAfter", 3);
		assertThat(written(new Unserved.TimedOut(Duration.ofSeconds(30), 12))).containsEntry("retryAfter", 12);
	}

	@Test
	void withoutAMeasuredRateRetryAfterIsOneSecond() {
		assertThat(UnservedProblems.retryAfter(new Unserved.LineFull(Unserved.Pool.WORKERS, 1, 2))).isEqualTo("1");
		assertThat(UnservedProblems.retryAfter(new Unserved.OffloadRefused())).isEqualTo("1");
		assertThat(UnservedProblems.retryAfter(new Unserved.TimedOut(Duration.ofSeconds(1)))).isEqualTo("1");
	}

	@Test
	void retryAfterIsNeverLessThanOneSecond() {
		assertThat(UnservedProblems.retryAfter(new Unserved.OffloadRefused(0))).isEqualTo("1");
	}

	@Test
	void theProblemItselfCarriesTheStatus() {
		assertThat(UnservedProblems.of(new Unserved.TimedOut(Duration.ofSeconds(1))).getStatus()).isEqualTo(503);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> written(Unserved unserved) {
		return json.readValue(UnservedProblems.toJson(UnservedProblems.of(unserved)), Map.class);
	}

}
