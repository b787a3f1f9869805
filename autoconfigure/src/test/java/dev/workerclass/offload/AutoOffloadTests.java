package dev.workerclass.offload;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.WorkerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link AutoOffload} with the real offload pool, called the way Spring's adapter calls it: asked
 * on the "loop" (the test's thread), then a task handed over to the pool, which hands the
 * invocation on from inside it, as WebFlux's subscribeOn and publishOn do.
 */
class AutoOffloadTests {

	private static final int LEARNING = 20;

	/** The calls not counted first: a tenth. */
	private static final int WARM_UP = 2;

	private final OffloadWorkers pool = new OffloadWorkers(
			WorkerSettings.builder().workerClass("reactive").workers(1).offloadThreads(4).resolve(2));

	private final AutoOffload auto = new AutoOffload((method) -> "GET /" + method.getName(), LEARNING,
			AutoOffload.ThreadTimes.ofThisJvm());

	private final Executor executor = this.auto.executor(this.pool::execute);

	@AfterEach
	void close() {
		this.pool.close();
	}

	@Test
	void aHandlerThatOnlyComputesBrieflyMovesToTheEventLoopOnceMeasured() throws Exception {
		AutoOffload.Route route = this.auto.route(handler("compute"));
		for (int i = 0; i < LEARNING + WARM_UP; i++) {
			assertThat(route.offloads()).as("call %d, still learning", i).isTrue();
			call(() -> spin(Duration.ofMillis(1).toNanos() / 5), true);
		}
		assertThat(route.offloads()).as("%s", this.auto.report()).isFalse();
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.route()).isEqualTo("GET /compute");
			assertThat(report.handler()).isEqualTo("Handlers#compute");
			assertThat(report.runsOn()).isEqualTo(OffloadRoute.EVENT_LOOP);
			assertThat(report.decided()).isTrue();
			assertThat(report.measured()).isEqualTo(LEARNING);
			assertThat(report.waitingShare()).isLessThan(0.10);
			assertThat(report.reason()).startsWith("it does not wait (20 calls");
		});
	}

	@Test
	void aHandlerThatSleepsStaysOnTheOffloadPoolForGood() throws Exception {
		AutoOffload.Route route = this.auto.route(handler("waits"));
		for (int i = 0; i < LEARNING + WARM_UP; i++) {
			assertThat(route.offloads()).isTrue();
			call(() -> sleep(3), true);
		}
		assertThat(route.offloads()).isTrue();
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.runsOn()).isEqualTo(OffloadRoute.OFFLOAD_POOL);
			assertThat(report.decided()).isTrue();
			assertThat(report.waitingShare()).isGreaterThan(0.5);
			assertThat(report.reason()).startsWith("it waits (20 calls").contains("20 waited over 1 ms")
				.endsWith("it stays on the offload pool");
		});
	}

	@Test
	void aHandlerThatComputesLongStaysOffTheLoopThatItWouldHold() throws Exception {
		AutoOffload.Route route = this.auto.route(handler("compute"));
		for (int i = 0; i < LEARNING + WARM_UP; i++) {
			assertThat(route.offloads()).isTrue();
			call(() -> spin(Duration.ofMillis(3).toNanos()), true);
		}
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.runsOn()).isEqualTo(OffloadRoute.OFFLOAD_POOL);
			assertThat(report.decided()).as("looked at again later: the JIT may make it short").isFalse();
			assertThat(report.reason()).startsWith("it runs long (")
				.endsWith("it would hold every connection on that loop, so it stays on the offload pool;"
						+ " measured again after 100 more calls");
		});
		// The pause: calls pass unmeasured.
		for (int i = 0; i < 5; i++) {
			assertThat(route.offloads()).isTrue();
			call(() -> spin(Duration.ofMillis(3).toNanos()), true);
		}
		assertThat(this.auto.report()).singleElement()
			.satisfies((report) -> assertThat(report.measured()).isZero());
	}

	@Test
	void aHandlerWhoseInvocationIsNotSeenInsideTheMeasuredTaskStaysOnTheOffloadPool() throws Exception {
		AutoOffload.Route route = this.auto.route(handler("echo"));
		for (int i = 0; i < LEARNING + WARM_UP; i++) {
			assertThat(route.offloads()).isTrue();
			// The arguments came later, from elsewhere: nothing is handed on from inside the task.
			call(() -> spin(1000), false);
		}
		assertThat(route.offloads()).isTrue();
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.decided()).isTrue();
			assertThat(report.measured()).isZero();
			assertThat(report.reason()).startsWith("its arguments arrive after it is handed over");
		});
	}

	@Test
	void whileLearningTheEndpointSaysHowFarItGot() throws Exception {
		AutoOffload.Route route = this.auto.route(handler("compute"));
		for (int i = 0; i < WARM_UP + 3; i++) {
			route.offloads();
			call(() -> spin(1000), true);
		}
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.runsOn()).isEqualTo(OffloadRoute.OFFLOAD_POOL);
			assertThat(report.decided()).isFalse();
			assertThat(report.reason()).isEqualTo("learning: 3 of 20 calls measured");
		});
	}

	@Test
	void aHandlerOnTheLoopThatTheWatchdogFindsOnABlockedLoopsStackGoesBackForGood() throws Exception {
		AutoOffload.Route compute = this.auto.route(handler("compute"));
		AutoOffload.Route other = this.auto.route(handler("waits"));
		for (int i = 0; i < LEARNING + WARM_UP; i++) {
			compute.offloads();
			call(() -> spin(1000), true);
			other.offloads();
			call(() -> spin(1000), true);
		}
		assertThat(compute.offloads()).as("%s", this.auto.report()).isFalse();
		assertThat(other.offloads()).as("%s", this.auto.report()).isFalse();
		StackTraceElement[] stack = { new StackTraceElement("java.lang.Thread", "sleep0", null, -2),
				new StackTraceElement(Handlers.class.getName(), "compute", "AutoOffloadTests.java", 42),
				new StackTraceElement("reactor.netty.channel.ChannelOperations", "onInboundNext", null, 1) };

		this.auto.blocked(new Thread("loop-1"), stack, Duration.ofMillis(600));

		assertThat(compute.offloads()).isTrue();
		assertThat(other.offloads()).as("not on the stack").isFalse();
		assertThat(this.auto.report()).filteredOn((report) -> report.route().equals("GET /compute")).singleElement()
			.satisfies((report) -> {
				assertThat(report.runsOn()).isEqualTo(OffloadRoute.OFFLOAD_POOL);
				assertThat(report.reason()).isEqualTo("it blocked event loop loop-1 for over 600 ms: it runs on the"
						+ " offload pool from now on");
			});
		// For good: more calls are not measured again, and it never returns to the loop.
		for (int i = 0; i < LEARNING + WARM_UP; i++) {
			assertThat(compute.offloads()).isTrue();
			call(() -> spin(1000), true);
		}
		assertThat(compute.offloads()).isTrue();
	}

	@Test
	void aJvmThatTellsNoThreadCpuTimeKeepsEveryHandlerOnTheOffloadPool() throws Exception {
		AutoOffload blind = new AutoOffload((method) -> method.getName(), LEARNING, (ending) -> null);
		Executor handOver = blind.executor(this.pool::execute);
		AutoOffload.Route route = blind.route(handler("compute"));
		route.offloads();
		CompletableFuture<Void> done = new CompletableFuture<>();
		handOver.execute(() -> handOver.execute(() -> done.complete(null)));
		done.get(10, TimeUnit.SECONDS);
		awaitDecided(blind);
		assertThat(route.offloads()).isTrue();
		assertThat(blind.report()).singleElement()
			.satisfies((report) -> assertThat(report.reason()).startsWith("this JVM does not tell"));
	}

	@Test
	void tasksNotHandedOverForALearningHandlerAreNotMeasured() throws Exception {
		AutoOffload.Route route = this.auto.route(handler("compute"));
		// @Blocking: offloaded, never measured; a later hand-over is not taken for the learning handler's.
		route.offloads();
		assertThat(this.auto.offloadsUnmeasured()).isTrue();
		call(() -> spin(1000), true);
		assertThat(this.auto.report()).singleElement()
			.satisfies((report) -> assertThat(report.measured()).isZero());
	}

	@Test
	void theModeIsAlwaysOrAutoInAnyCaseAndAnythingElseNamesTheProperty() {
		assertThat(OffloadMode.of(null)).isEqualTo(OffloadMode.ALWAYS);
		assertThat(OffloadMode.of(" Auto ")).isEqualTo(OffloadMode.AUTO);
		assertThat(OffloadMode.of("ALWAYS")).isEqualTo(OffloadMode.ALWAYS);
		assertThatExceptionOfType(dev.workerclass.workers.InvalidWorkerSettingException.class)
			.isThrownBy(() -> OffloadMode.of("sometimes"))
			.withMessage("server.offload=sometimes is not valid: expected always or auto");
	}

	/**
	 * One call as WebFlux makes it: a task handed over to the pool that, when {@code handedOn},
	 * hands the invocation on from inside it (run at once by the pool); otherwise runs it itself.
	 */
	private void call(Runnable invocation, boolean handedOn) throws Exception {
		CompletableFuture<Void> done = new CompletableFuture<>();
		this.executor.execute(() -> {
			if (handedOn) {
				this.executor.execute(() -> {
					invocation.run();
					done.complete(null);
				});
			}
			else {
				invocation.run();
				done.complete(null);
			}
		});
		done.get(10, TimeUnit.SECONDS);
		// The measurement is recorded after the task returns, a moment after the future completes.
		awaitMeasured();
	}

	private void awaitMeasured() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.pool.snapshot().busy() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(1);
		}
	}

	private static void awaitDecided(AutoOffload auto) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!auto.report().get(0).decided() && System.nanoTime() < deadline) {
			Thread.sleep(1);
		}
	}

	private static Method handler(String name) throws NoSuchMethodException {
		return Handlers.class.getDeclaredMethod(name);
	}

	private static void spin(long nanos) {
		long end = System.nanoTime() + nanos;
		while (System.nanoTime() < end) {
			Thread.onSpinWait();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Stand-ins for controller methods: only their identity matters. */
	static final class Handlers {

		String compute() {
			return "";
		}

		String waits() {
			return "";
		}

		String echo() {
			return "";
		}

	}

}
