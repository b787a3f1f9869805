package dev.workerclass.servlet;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.workerclass.Blocking;
import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.VirtualWorkers;
import dev.workerclass.workers.WorkerSettings;
import jakarta.servlet.FilterChain;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.StaticWebApplicationContext;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * What the starter's servlet filter adds to one request, single-threaded, with no HTTP: the rest of
 * the chain called directly (plain Boot), through the filter with no class set (the engine's thread
 * serves, the request is counted), and through it under {@code virtual} (a slot, an alarm for
 * {@code server.timeout}, the sealable response). The filter asks Spring MVC's real handler mapping
 * about {@code @Blocking} handlers, with one such handler mapped on another path, as in the demo.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FilterCost {

	private StaticWebApplicationContext context;

	private ObservedWorkers observed;

	private VirtualWorkers virtual;

	private OffloadWorkers offload;

	private WorkersServletFilter noClass;

	private WorkersServletFilter virtualClass;

	private MockHttpServletRequest request;

	private MockHttpServletResponse response;

	private long counter;

	private final FilterChain chain = (request, response) -> this.counter++;

	@Setup(Level.Trial)
	public void setUp() {
		this.context = new StaticWebApplicationContext();
		this.context.registerSingleton("routes", Routes.class);
		this.context.refresh();
		RequestMappingHandlerMapping mapping = new RequestMappingHandlerMapping();
		mapping.setApplicationContext(this.context);
		mapping.afterPropertiesSet();
		WorkerSettings none = WorkerSettings.builder().resolve(2);
		WorkerSettings virtualSettings = WorkerSettings.builder().workerClass("virtual").resolve(2);
		this.observed = new ObservedWorkers(none, "benchmark");
		this.virtual = new VirtualWorkers(virtualSettings);
		this.offload = new OffloadWorkers(virtualSettings);
		ControlPlane controlPlane = new ControlPlane(List.of("/actuator"));
		this.noClass = new WorkersServletFilter(this.observed, this.offload, controlPlane, () -> mapping);
		this.virtualClass = new WorkersServletFilter(this.virtual, this.offload, controlPlane, () -> mapping);
		this.request = new MockHttpServletRequest("GET", "/todos");
		this.response = new MockHttpServletResponse();
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.virtual.close(Duration.ofSeconds(5));
		this.offload.close();
		this.context.close();
	}

	/** The baseline: the rest of the chain called directly, as with no starter. */
	@Benchmark
	public long direct() throws Exception {
		this.chain.doFilter(this.request, this.response);
		return this.counter;
	}

	/** No class set: the filter counts the request and runs the chain where it is. */
	@Benchmark
	public long noClass() throws Exception {
		this.noClass.doFilter(this.request, this.response, this.chain);
		return this.counter;
	}

	/** virtual: a slot, an alarm at the deadline, the sealable response; the chain runs inline. */
	@Benchmark
	public long virtual() throws Exception {
		this.virtualClass.doFilter(this.request, this.response, this.chain);
		return this.counter;
	}

	/** A controller as in the demo: a plain route, and a {@code @Blocking} one elsewhere. */
	@RestController
	public static class Routes {

		@GetMapping("/todos")
		public String todos() {
			return "[]";
		}

		@Blocking
		@GetMapping("/native-sleep")
		public String nativeSleep() {
			return "slept";
		}

	}

}
