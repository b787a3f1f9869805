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
import jakarta.servlet.ServletResponse;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkersServletFilter}: which response the handler is given.
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
