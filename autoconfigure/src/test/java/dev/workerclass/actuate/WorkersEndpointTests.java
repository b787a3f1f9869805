package dev.workerclass.actuate;

import java.time.Duration;
import java.util.Optional;

import dev.workerclass.actuate.WorkersEndpoint.OffloadDescriptor;
import dev.workerclass.actuate.WorkersEndpoint.OffloadRoutesDescriptor;
import dev.workerclass.actuate.WorkersEndpoint.WorkersDescriptor;
import dev.workerclass.offload.AutoOffload;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import dev.workerclass.workers.WorkersSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkersEndpoint}, called directly: what {@code GET} shows, how {@code POST}
 * resizes, and that a bad request gets 400 with a problem detail and changes nothing.
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
		return new WorkersEndpoint(this.workers, Optional.of(this.offload), () -> "tomcat", Optional.empty());
	}

	@Test
	void showsTheWorkersOfTheThreadClass() {
		WorkersDescriptor shown = endpoint("thread", 2, 3, null, 10).workers();
		assertThat(shown.workerClass()).isEqualTo("thread");
		assertThat(shown.engine()).isEqualTo("tomcat");
		assertThat(shown.workers()).isEqualTo(2);
		assertThat(shown.threads()).isEqualTo(3);
		assertThat(shown.workerConnections()).isNull();
		assertThat(shown.capacity()).isEqualTo(6);
		assertThat(shown.busy()).isZero();
		assertThat(shown.idle()).isEqualTo(6);
		assertThat(shown.queued()).isZero();
		assertThat(shown.maxQueued()).isEqualTo(100);
		assertThat(shown.completed()).isZero();
		assertThat(shown.rejected()).isZero();
		assertThat(shown.resizes()).isZero();
		assertThat(shown.maxWorkers()).isEqualTo(10);
		assertThat(shown.offload()).isNotNull();
		assertThat(shown.diagnostics()).isNull();
		assertThat(shown.startedAt()).isEqualTo(this.workers.snapshot().startedAt().toString());
		assertThat(Duration.parse(shown.uptime()).isNegative()).isFalse();
	}

	@Test
	void showsWorkerConnectionsForVirtualAndNoThreads() {
		WorkersDescriptor shown = endpoint("virtual", 1, null, 50, null).workers();
		assertThat(shown.workerClass()).isEqualTo("virtual");
		assertThat(shown.workerConnections()).isEqualTo(50);
		assertThat(shown.capacity()).isEqualTo(50);
		assertThat(shown.maxWorkers()).isEqualTo(16);
		assertThat(shown.threads()).isNull();
		assertThat(shown.offload()).isNotNull();
	}

	@Test
	void showsOnlyWorkersForSync() {
		WorkersDescriptor shown = endpoint("sync", 3, null, null, null).workers();
		assertThat(shown.workerClass()).isEqualTo("sync");
		assertThat(shown.workers()).isEqualTo(3);
		assertThat(shown.capacity()).isEqualTo(3);
		assertThat(shown.threads()).isNull();
		assertThat(shown.workerConnections()).isNull();
		assertThat(shown.offload()).isNotNull();
	}

	@Test
	void showsTheOffloadPool() {
		WorkersDescriptor shown = endpoint("reactive", 2, null, 10, null).workers();
		assertThat(shown.workerClass()).isEqualTo("reactive");
		assertThat(shown.workerConnections()).isEqualTo(10);
		assertThat(shown.capacity()).isEqualTo(20);
		assertThat(shown.offload()).isEqualTo(new OffloadDescriptor(200, 0, 0, 0, 0, 0));
	}

	@Test
	void withoutAnOffloadPoolOrDiagnosticsThoseAreNull() {
		this.workers = Workers.create(WorkerSettings.builder().workerClass("sync").workers(1).resolve(2));
		WorkersDescriptor shown = new WorkersEndpoint(this.workers, Optional.empty(), () -> "tomcat", Optional.empty())
			.workers();
		assertThat(shown.offload()).isNull();
		assertThat(shown.diagnostics()).isNull();
	}

	@Test
	void resizeChangesTheSizesAndAnswersWithTheNewState() {
		WorkersEndpoint endpoint = endpoint("thread", 1, 2, null, null);
		WorkersDescriptor shown = ok(endpoint.resize(4, 3, null));
		assertThat(shown.workers()).isEqualTo(4);
		assertThat(shown.threads()).isEqualTo(3);
		assertThat(shown.capacity()).isEqualTo(12);
		assertThat(shown.resizes()).isEqualTo(1);
		assertThat(this.workers.snapshot().capacity()).isEqualTo(12);
	}

	@Test
	void resizeChangesWorkerConnectionsAlone() {
		WorkersEndpoint endpoint = endpoint("virtual", 2, null, 10, null);
		WorkersDescriptor shown = ok(endpoint.resize(null, null, 30));
		assertThat(shown.workers()).isEqualTo(2);
		assertThat(shown.workerConnections()).isEqualTo(30);
		assertThat(shown.capacity()).isEqualTo(60);
	}

	@Test
	void resizeWithNothingIsABadRequest() {
		WorkersEndpoint endpoint = endpoint("thread", 1, 2, null, null);
		assertBadRequest(endpoint.resize(null, null, null), "give at least one of workers, threads, workerConnections");
		assertThat(this.workers.snapshot().resizes()).isZero();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, -100, 11, Integer.MAX_VALUE })
	void resizeOutOfRangeIsABadRequestAndChangesNothing(int workers) {
		WorkersEndpoint endpoint = endpoint("sync", 2, null, null, 10);
		WorkersSnapshot before = this.workers.snapshot();
		ProblemDetail problem = assertBadRequest(endpoint.resize(workers, null, null), "workers=" + workers + " is not valid");
		assertThat(problem.getDetail()).contains("from 1 to 10").contains("nothing was changed");
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
		assertBadRequest(endpoint.resize(2, 8, null), "threads=8 is not valid");
		assertThat(this.workers.snapshot()).isEqualTo(before);
	}

	@Test
	void aBadSizeAmongGoodOnesChangesNothing() {
		WorkersEndpoint endpoint = endpoint("thread", 1, 2, null, null);
		WorkersSnapshot before = this.workers.snapshot();
		assertBadRequest(endpoint.resize(3, 0, null), "threads=0 is not valid");
		assertThat(this.workers.snapshot()).isEqualTo(before);
	}

	@Test
	void ttinAddsOneWorker() {
		WorkersEndpoint endpoint = endpoint("sync", 2, null, null, null);
		WorkersDescriptor shown = ok(endpoint.signal("ttin", null));
		assertThat(shown.workers()).isEqualTo(3);
		assertThat(shown.capacity()).isEqualTo(3);
		assertThat(ok(endpoint.signal("ttin", 4)).workers()).isEqualTo(7);
	}

	@Test
	void ttouRemovesOneWorker() {
		WorkersEndpoint endpoint = endpoint("thread", 3, 2, null, null);
		WorkersDescriptor shown = ok(endpoint.signal("ttou", null));
		assertThat(shown.workers()).isEqualTo(2);
		assertThat(shown.capacity()).isEqualTo(4);
	}

	@Test
	void ttouNeverGoesBelowOneWorker() {
		WorkersEndpoint endpoint = endpoint("sync", 3, null, null, null);
		assertThat(ok(endpoint.signal("ttou", 10)).workers()).isEqualTo(1);
		assertThat(ok(endpoint.signal("ttou", null)).workers()).isEqualTo(1);
		assertThat(this.workers.snapshot().workers()).isEqualTo(1);
	}

	@Test
	void ttinAboveMaxWorkersIsABadRequestAndChangesNothing() {
		WorkersEndpoint endpoint = endpoint("sync", 4, null, null, 5);
		assertThat(ok(endpoint.signal("ttin", null)).workers()).isEqualTo(5);
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
		WorkersEndpoint endpoint = new WorkersEndpoint(this.workers, Optional.empty(), () -> engine[0], Optional.empty());
		assertThat(endpoint.workers().engine()).isEqualTo("unknown");
		engine[0] = "jetty";
		assertThat(endpoint.workers().engine()).isEqualTo("jetty");
	}

	@Test
	void offloadUnderAlwaysSaysEveryHandlerIsOffloadedAndListsNoRoutes() {
		WebEndpointResponse<?> response = endpoint("reactive", 1, null, null, null).read("offload");
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
		OffloadRoutesDescriptor shown = (OffloadRoutesDescriptor) response.getBody();
		assertThat(shown.mode()).isEqualTo("always");
		assertThat(shown.learningCalls()).isNull();
		assertThat(shown.routes()).isEmpty();
	}

	@Test
	void offloadUnderAutoShowsEachRouteLearningOnThePoolUntilMeasured() throws NoSuchMethodException {
		WorkerSettings settings = WorkerSettings.builder().workerClass("reactive").workers(1).resolve(2);
		this.workers = Workers.create(settings);
		this.offload = new OffloadWorkers(settings);
		AutoOffload auto = new AutoOffload((method) -> "GET /" + method.getName());
		auto.route(Object.class.getMethod("hashCode"));
		WorkersEndpoint endpoint = new WorkersEndpoint(this.workers, Optional.of(this.offload), () -> "netty",
				Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(auto));
		OffloadRoutesDescriptor shown = (OffloadRoutesDescriptor) endpoint.read("offload").getBody();
		assertThat(shown.mode()).isEqualTo("auto");
		assertThat(shown.learningCalls()).isEqualTo(AutoOffload.DEFAULT_LEARNING_CALLS);
		assertThat(shown.routes()).singleElement().satisfies((route) -> {
			assertThat(route.route()).isEqualTo("GET /hashCode");
			assertThat(route.runsOn()).isEqualTo("offload-pool");
			assertThat(route.decided()).isFalse();
			assertThat(route.measured()).isZero();
		});
	}

	@Test
	void offloadWithoutAnOffloadPoolIsNotFound() {
		this.workers = Workers.create(WorkerSettings.builder().workerClass("sync").workers(1).resolve(2));
		WorkersEndpoint endpoint = new WorkersEndpoint(this.workers, Optional.empty(), () -> "tomcat", Optional.empty());
		assertThat(endpoint.read("offload").getStatus()).isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
	}

	@Test
	void anUnknownPartIsNotFoundNamingTheParts() {
		WebEndpointResponse<?> response = endpoint("thread", 1, 2, null, null).read("advise");
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
		assertThat(((ProblemDetail) response.getBody()).getDetail()).contains("'advise'").contains("advice or offload");
	}

	private static WorkersDescriptor ok(WebEndpointResponse<?> response) {
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
		return (WorkersDescriptor) response.getBody();
	}

	private static ProblemDetail assertBadRequest(WebEndpointResponse<?> response, String reason) {
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_BAD_REQUEST);
		assertThat(response.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).isInstanceOf(ProblemDetail.class);
		ProblemDetail problem = (ProblemDetail) response.getBody();
		assertThat(problem.getStatus()).isEqualTo(400);
		assertThat(problem.getTitle()).isEqualTo("Bad Request");
		assertThat(problem.getDetail()).contains(reason);
		return problem;
	}

}
