package dev.workerclass.servlet;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.VirtualWorkers;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import dev.workerclass.workload.RouteReport;
import dev.workerclass.workload.Workload;
import dev.workerclass.workload.WorkloadReport;
import jakarta.servlet.ServletResponse;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkersServletFilter}: which response the handler is given, and which requests
 * the workload measures.
 */
class WorkersServletFilterTests {

	@Test
	void withNoDeadlineTheHandlerWritesToTheContainersResponse() throws Exception {
		// No class set: the engine's threads serve as in plain Boot, with nothing to seal.
		WorkerSettings settings = settings("virtual", Duration.ofSeconds(30));
		ServletResponse seen = handlerResponse(new ObservedWorkers(settings, "no class"), settings);
		assertThat(seen).isInstanceOf(MockHttpServletResponse.class);
	}

	@Test
	void withADeadlineTheHandlerWritesToASealableResponse() throws Exception {
		WorkerSettings settings = settings("virtual", Duration.ofSeconds(30));
		ServletResponse seen = handlerResponse(new VirtualWorkers(settings), settings);
		assertThat(seen).isInstanceOf(SealableResponse.class);
	}

	@Test
	void withTheTimeoutOffTheHandlerWritesToTheContainersResponse() throws Exception {
		WorkerSettings settings = settings("virtual", Duration.ZERO);
		ServletResponse seen = handlerResponse(new VirtualWorkers(settings), settings);
		assertThat(seen).isInstanceOf(MockHttpServletResponse.class);
	}

	@Test
	void aSampledRequestIsMeasuredUnderTheMatchedPattern() throws Exception {
		WorkerSettings settings = settings("virtual", Duration.ofSeconds(30));
		Workers workers = new VirtualWorkers(settings);
		Workload workload = new Workload(1, List.of());
		try (OffloadWorkers offload = new OffloadWorkers(settings)) {
			WorkersServletFilter filter = new WorkersServletFilter(workers, offload,
					new ControlPlane(List.of("/actuator/workers")), () -> null, workload);
			AtomicReference<Thread> ranOn = new AtomicReference<>();
			filter.doFilter(new MockHttpServletRequest("GET", "/owners/7"), new MockHttpServletResponse(),
					(req, res) -> {
						ranOn.set(Thread.currentThread());
						req.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/owners/{id}");
					});
			// Not matched by any handler mapping, and the control plane is not measured.
			filter.doFilter(new MockHttpServletRequest("GET", "/nowhere"), new MockHttpServletResponse(),
					(req, res) -> {
					});
			filter.doFilter(new MockHttpServletRequest("GET", "/actuator/workers"), new MockHttpServletResponse(),
					(req, res) -> {
					});
			assertThat(ranOn.get()).isNotNull();
			WorkloadReport report = workload.report();
			assertThat(report.sampled()).isEqualTo(2);
			assertThat(report.routes()).extracting(RouteReport::route)
				.containsExactlyInAnyOrder("GET /owners/{id}", "(unmapped)");
		}
		finally {
			workers.close(Duration.ofSeconds(5));
		}
	}

	@Test
	void anUnsampledRequestIsNotMeasured() throws Exception {
		WorkerSettings settings = settings("thread", Duration.ofSeconds(30));
		Workers workers = Workers.create(settings);
		Workload workload = new Workload(Integer.MAX_VALUE, List.of());
		try (OffloadWorkers offload = new OffloadWorkers(settings)) {
			WorkersServletFilter filter = new WorkersServletFilter(workers, offload,
					new ControlPlane(List.of("/actuator/workers")), () -> null, workload);
			for (int i = 0; i < 100; i++) {
				filter.doFilter(new MockHttpServletRequest("GET", "/todos"), new MockHttpServletResponse(),
						(req, res) -> {
						});
			}
			assertThat(workload.report().sampled()).isZero();
		}
		finally {
			workers.close(Duration.ofSeconds(5));
		}
	}

	private static ServletResponse handlerResponse(Workers workers, WorkerSettings settings) throws Exception {
		try (OffloadWorkers offload = new OffloadWorkers(settings)) {
			WorkersServletFilter filter = new WorkersServletFilter(workers, offload, new ControlPlane(List.of("/actuator/workers")),
					() -> null);
			AtomicReference<ServletResponse> seen = new AtomicReference<>();
			MockHttpServletResponse response = new MockHttpServletResponse();
			filter.doFilter(new MockHttpServletRequest("GET", "/todos"), response, (req, res) -> {
				seen.set(res);
				res.getWriter().write("ok");
			});
			assertThat(response.getContentAsString()).isEqualTo("ok");
			return seen.get();
		}
		finally {
			workers.close(Duration.ofSeconds(5));
		}
	}

	private static WorkerSettings settings(String workerClass, Duration timeout) {
		return WorkerSettings.builder()
			.workerClass(workerClass)
			.gracefulTimeout(Duration.ofSeconds(5))
			.timeout(timeout)
			.resolve(2);
	}

}
