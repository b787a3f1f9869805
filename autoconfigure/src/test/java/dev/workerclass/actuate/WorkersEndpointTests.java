package dev.workerclass.actuate;

import java.time.Duration;
import java.util.Map;

import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import dev.workerclass.workers.WorkersSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkersEndpoint}, called directly: what {@code GET} shows, how {@code POST}
 * resizes, and that a bad request gets 400 with a reason and changes nothing.
 */
class WorkersEndpointTests {

	private Workers workers;

	@AfterEach
	void close() {
		if (this.workers != null) {
			this.workers.close(Duration.ofSeconds(5));
		}
		if (this.offload != null) {
			this.offload.close(Duration.ofSeconds(5));
		}
	}

	private OffloadWorkers offload;

	private WorkersEndpoint endpoint(String workerClass, Integer workers, Integer threads, Integer workerConnections,
			Integer maxWorkers) {
		WorkerSettings settings = WorkerSettings.builder()
			.workerClass(workerClass)
			.workers(workers)
			.threads(threads)
			.workerConnections(workerConnections)
			.maxWorkers(maxWorkers)
			.resolve(2);
		this.workers = Workers.create(settings);
		this.offload = new OffloadWorkers(settings);
		return new WorkersEndpoint(this.workers, this.offload, () -> "tomcat");
	}

	@Test
	void showsTheWorkersOfTheThreadClass() {
		Map<String, Object> shown = endpoint("thread", 2, 3, null, 10).workers();
		assertThat(shown).containsEntry("workerClass", "thread")
			.containsEntry("engine", "tomcat")
			.containsEntry("workers", 2)
			.containsEntry("threads", 3)
			.containsEntry("capacity", 6)
			.containsEntry("busy", 0)
			.containsEntry("idle", 6)
			.containsEntry("queued", 0)
			.containsEntry("maxQueued", 100)
			.containsEntry("completed", 0L)
			.containsEntry("rejected", 0L)
			.containsEntry("resizes", 0L)
			.containsEntry("maxWorkers", 10)
			.containsKeys("startedAt", "uptime")
			.doesNotContainKeys("workerConnections")
			.containsKey("offload");
		assertThat(shown.get("startedAt")).isEqualTo(this.workers.snapshot().startedAt().toString());
		assertThat(Duration.parse((String) shown.get("uptime")).isNegative()).isFalse();
	}

	@Test
	void showsWorkerConnectionsForVirtualAndNoThreads() {
		Map<String, Object> shown = endpoint("virtual", 1, null, 50, null).workers();
		assertThat(shown).containsEntry("workerClass", "virtual")
			.containsEntry("workerConnections", 50)
			.containsEntry("capacity", 50)
			.containsEntry("maxWorkers", 16)
			.doesNotContainKeys("threads")
			.containsKey("offload");
	}

	@Test
	void showsOnlyWorkersForSync() {
		Map<String, Object> shown = endpoint("sync", 3, null, null, null).workers();
		assertThat(shown).containsEntry("workerClass", "sync")
			.containsEntry("workers", 3)
			.containsEntry("capacity", 3)
			.doesNotContainKeys("threads", "workerConnections")
			.containsKey("offload");
	}

	@Test
	void showsTheOffloadPool() {
		Map<String, Object> shown = endpoint("reactive", 2, null, 10, null).workers();
		assertThat(shown).containsEntry("workerClass", "reactive")
			.containsEntry("workerConnections", 10)
			.containsEntry("capacity", 20)
			.containsEntry("offload", Map.of("threads", 200, "busy", 0, "queued", 0, "completed", 0L, "rejected", 0L,
					"timedOut", 0L));
	}

	@Test
	void theKeysComeInAStableOrder() {
		assertThat(endpoint("thread", 1, 2, null, null).workers().keySet()).containsExactly("workerClass", "engine",
				"workers", "threads", "capacity", "busy", "idle", "queued", "maxQueued", "completed", "rejected",
				"timedOut", "timeout", "resizes", "maxWorkers", "startedAt", "uptime", "offload");
	}

	@Test
	void resizeChangesTheSizesAndAnswersWithTheNewState() {
		WorkersEndpoint endpoint = endpoint("thread", 1, 2, null, null);
		WebEndpointResponse<Map<String, Object>> response = endpoint.resize(4, 3, null);
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
		assertThat(response.getBody()).containsEntry("workers", 4)
			.containsEntry("threads", 3)
			.containsEntry("capacity", 12)
			.containsEntry("resizes", 1L);
		assertThat(this.workers.snapshot().capacity()).isEqualTo(12);
	}

	@Test
	void resizeChangesWorkerConnectionsAlone() {
		WorkersEndpoint endpoint = endpoint("virtual", 2, null, 10, null);
		WebEndpointResponse<Map<String, Object>> response = endpoint.resize(null, null, 30);
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
		assertThat(response.getBody()).containsEntry("workers", 2)
			.containsEntry("workerConnections", 30)
			.containsEntry("capacity", 60);
	}

	@Test
	void resizeWithNothingIsABadRequest() {
		WorkersEndpoint endpoint = endpoint("thread", 1, 2, null, null);
		WebEndpointResponse<Map<String, Object>> response = endpoint.resize(null, null, null);
		assertBadRequest(response, "give at least one of workers, threads, workerConnections");
		assertThat(this.workers.snapshot().resizes()).isZero();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, -100, 11, Integer.MAX_VALUE })
	void resizeOutOfRangeIsABadRequestAndChangesNothing(int workers) {
		WorkersEndpoint endpoint = endpoint("sync", 2, null, null, 10);
		WorkersSnapshot before = this.workers.snapshot();
		WebEndpointResponse<Map<String, Object>> response = endpoint.resize(workers, null, null);
		assertBadRequest(response, "workers=" + workers + " is not valid");
		assertThat((String) response.getBody().get("reason")).contains("from 1 to 10").contains("nothing was changed");
		assertThat(this.workers.snapshot()).isEqualTo(before);
	}

	@Test
	void resizeToExactlyMaxWorkersIsAllowed() {
		WorkersEndpoint endpoint = endpoint("sync", 2, null, null, 10);
		assertThat(endpoint.resize(10, null, null).getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
		assertThat(this.workers.snapshot().workers()).isEqualTo(10);
	}

	@Test
	void aSizeTheClassDoesNotHaveIsABadRequestAndChangesNothing() {
		WorkersEndpoint endpoint = endpoint("virtual", 1, null, 10, null);
		WorkersSnapshot before = this.workers.snapshot();
		WebEndpointResponse<Map<String, Object>> response = endpoint.resize(2, 8, null);
		assertBadRequest(response, "threads=8 is not valid");
		assertThat(this.workers.snapshot()).isEqualTo(before);
	}

	@Test
	void aBadSizeAmongGoodOnesChangesNothing() {
		WorkersEndpoint endpoint = endpoint("thread", 1, 2, null, null);
		WorkersSnapshot before = this.workers.snapshot();
		WebEndpointResponse<Map<String, Object>> response = endpoint.resize(3, 0, null);
		assertBadRequest(response, "threads=0 is not valid");
		assertThat(this.workers.snapshot()).isEqualTo(before);
	}

	@Test
	void ttinAddsOneWorker() {
		WorkersEndpoint endpoint = endpoint("sync", 2, null, null, null);
		WebEndpointResponse<Map<String, Object>> response = endpoint.signal("ttin", null);
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
		assertThat(response.getBody()).containsEntry("workers", 3).containsEntry("capacity", 3);
		assertThat(endpoint.signal("ttin", 4).getBody()).containsEntry("workers", 7);
	}

	@Test
	void ttouRemovesOneWorker() {
		WorkersEndpoint endpoint = endpoint("thread", 3, 2, null, null);
		WebEndpointResponse<Map<String, Object>> response = endpoint.signal("ttou", null);
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
		assertThat(response.getBody()).containsEntry("workers", 2).containsEntry("capacity", 4);
	}

	@Test
	void ttouNeverGoesBelowOneWorker() {
		WorkersEndpoint endpoint = endpoint("sync", 3, null, null, null);
		assertThat(endpoint.signal("ttou", 10).getBody()).containsEntry("workers", 1);
		WebEndpointResponse<Map<String, Object>> atOne = endpoint.signal("ttou", null);
		assertThat(atOne.getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
		assertThat(atOne.getBody()).containsEntry("workers", 1);
		assertThat(this.workers.snapshot().workers()).isEqualTo(1);
	}

	@Test
	void ttinAboveMaxWorkersIsABadRequestAndChangesNothing() {
		WorkersEndpoint endpoint = endpoint("sync", 4, null, null, 5);
		assertThat(endpoint.signal("ttin", null).getBody()).containsEntry("workers", 5);
		WorkersSnapshot before = this.workers.snapshot();
		assertBadRequest(endpoint.signal("ttin", null), "workers=6 is not valid");
		assertBadRequest(endpoint.signal("ttin", Integer.MAX_VALUE), "is not valid");
		assertThat(this.workers.snapshot()).isEqualTo(before);
	}

	@ParameterizedTest
	@ValueSource(strings = { "hup", "TTIN", "", "ttin " })
	void anUnknownSignalIsABadRequestAndChangesNothing(String signal) {
		WorkersEndpoint endpoint = endpoint("sync", 2, null, null, null);
		WorkersSnapshot before = this.workers.snapshot();
		assertBadRequest(endpoint.signal(signal, null), "unknown signal '" + signal + "'");
		assertThat(this.workers.snapshot()).isEqualTo(before);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, Integer.MIN_VALUE })
	void aStepBelowOneIsABadRequestAndChangesNothing(int by) {
		WorkersEndpoint endpoint = endpoint("sync", 2, null, null, null);
		WorkersSnapshot before = this.workers.snapshot();
		assertBadRequest(endpoint.signal("ttin", by), "by=" + by + " is not valid");
		assertBadRequest(endpoint.signal("ttou", by), "by=" + by + " is not valid");
		assertThat(this.workers.snapshot()).isEqualTo(before);
	}

	@Test
	void theEngineIsAskedEachTime() {
		this.workers = Workers.create(WorkerSettings.builder().workerClass("sync").workers(1).resolve(2));
		String[] engine = { "unknown" };
		WorkersEndpoint endpoint = new WorkersEndpoint(this.workers, null, () -> engine[0]);
		assertThat(endpoint.workers()).containsEntry("engine", "unknown");
		engine[0] = "jetty";
		assertThat(endpoint.workers()).containsEntry("engine", "jetty");
	}

	private static void assertBadRequest(WebEndpointResponse<Map<String, Object>> response, String reason) {
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_BAD_REQUEST);
		assertThat(response.getBody()).containsEntry("status", 400).containsEntry("error", "Bad Request");
		assertThat((String) response.getBody().get("reason")).contains(reason);
	}

}
