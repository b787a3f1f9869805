package dev.workerclass.offload;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.WorkerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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

	/** Enough calls for the first window even if the JVM collected garbage during as many as it counts. */
	private static final int MOST_CALLS = WARM_UP + 2 * LEARNING;

	private final OffloadWorkers pool = new OffloadWorkers(
			WorkerSettings.builder().workerClass("reactive").workers(1).offloadThreads(4).resolve(2));

	private final AutoOffload auto = new AutoOffload((method) -> "GET /" + method.getName(), LEARNING,
			AutoOffload.ThreadTimes.ofThisJvm());

	private final Executor executor = this.auto.executor(this.pool::execute);

	/**
	 * The measuring code compiled first, as in a server that has served other routes: cold, its
	 * file reads take long enough that, on a busy machine, a preempted JIT thread holding a lock
	 * they need makes a short handler look as if it waited.
	 */
	@BeforeAll
	static void warmTheMeasuring() throws Exception {
		AutoOffloadTests warming = new AutoOffloadTests();
		try {
			for (int i = 0; i < 500; i++) {
				AutoOffload.Route route = warming.auto.route(handler((i % 2 == 0) ? "compute" : "echo"));
				route.offloads();
				warming.call(() -> spin(1000), true);
			}
		}
		finally {
			warming.close();
		}
	}

	@AfterEach
	void close() {
		this.pool.close();
	}

	@Test
	void aHandlerThatOnlyComputesBrieflyMovesToTheEventLoopOnceMeasured() throws Exception {
		AutoOffload.Route route = this.auto.route(handler("compute"));
		// Until decided: a window where a call waited (a safepoint on a shared machine, say) is
		// measured again after a pause.
		for (int i = 0; !this.auto.report().get(0).decided() && i < 2000; i++) {
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
		for (int i = 0; learning(this.auto) && i < MOST_CALLS; i++) {
			assertThat(route.offloads()).isTrue();
			call(() -> sleep(3), true);
		}
		assertThat(route.offloads()).isTrue();
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.runsOn()).isEqualTo(OffloadRoute.OFFLOAD_POOL);
			assertThat(report.decided()).isTrue();
			assertThat(report.waitingShare()).isGreaterThan(0.3);
			assertThat(report.reason()).startsWith("it waits (20 calls").endsWith("it stays on the offload pool");
			assertThat(waitedOverOneMs(report)).as("of 20 calls that slept 3 ms").isGreaterThanOrEqualTo(15);
		});
	}

	@Test
	void timeOffTheCpuWithoutGivingItUpIsNotWaitingButTheCoreTakenByOthers() throws Exception {
		// As on a shared host: the thread's CPU time stands still while the wall clock runs (the
		// hypervisor lent the core away) and the thread never gave the core up itself.
		AutoOffload auto = new AutoOffload((method) -> "GET /" + method.getName(), LEARNING,
				(ending) -> new AutoOffload.ThreadTimes.Reading(System.nanoTime(), 0, 0, 0, 7, 0));
		AutoOffload.Route route = auto.route(handler("compute"));
		callAll(auto, route, () -> spin(Duration.ofMillis(1).toNanos() / 5));
		assertThat(route.offloads()).as("%s", auto.report()).isFalse();
		assertThat(auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.waitingShare()).isZero();
			assertThat(report.reason()).startsWith("it does not wait (20 calls: waiting 0.0% of the time");
		});
	}

	@Test
	void timeOffTheCpuAfterGivingItUpIsWaiting() throws Exception {
		AtomicLong switches = new AtomicLong();
		AutoOffload auto = new AutoOffload((method) -> "GET /" + method.getName(), LEARNING,
				(ending) -> new AutoOffload.ThreadTimes.Reading(System.nanoTime(), 0, 0, 0,
						switches.incrementAndGet(), 0));
		AutoOffload.Route route = auto.route(handler("waits"));
		callAll(auto, route, () -> spin(Duration.ofMillis(1).toNanos() / 5));
		assertThat(route.offloads()).as("%s", auto.report()).isTrue();
		assertThat(auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.decided()).isTrue();
			assertThat(report.waitingShare()).isGreaterThan(0.9);
			assertThat(report.reason()).startsWith("it waits (20 calls: waiting ");
		});
	}

	@Test
	void oneLongWaitAmongShortCallsIsNoHandlersDoingAndIsLeftOut() throws Exception {
		// A pause of 5 ms once (a GC's, say) would be 55% of twenty calls of 0.2 ms. Up to three
		// tries, each with a new AutoOffload: on a shared machine another call may wait over 1 ms
		// too, and two long waits are the handler's (measured again later, as they should be).
		// Without the rule no try ends on the loop.
		OffloadRoute decided = null;
		for (int attempt = 0; attempt < 3 && decided == null; attempt++) {
			AutoOffload auto = new AutoOffload((method) -> "GET /" + method.getName(), LEARNING,
					AutoOffload.ThreadTimes.ofThisJvm());
			AutoOffload.Route route = auto.route(handler("compute"));
			AtomicInteger call = new AtomicInteger();
			callAll(auto, route, () -> {
				spin(Duration.ofMillis(1).toNanos() / 5);
				if (call.incrementAndGet() == WARM_UP + LEARNING / 2) {
					sleep(5);
				}
			});
			OffloadRoute report = auto.report().get(0);
			assertThat(waitedOverOneMs(report)).as(report.reason()).isGreaterThanOrEqualTo(1);
			if (!route.offloads()) {
				decided = report;
			}
		}
		assertThat(decided).as("three tries, none on the loop").isNotNull();
		assertThat(decided.waitingShare()).isLessThan(0.10);
		assertThat(decided.reason()).startsWith("it does not wait (20 calls: waiting ")
			.contains(" of the time besides its one long wait, ");
	}

	@Test
	void aFewWaitingCallsAreMeasuredAgainAndDecidedByTheThirdWindowThatFindsThemOnceSettled() throws Exception {
		AutoOffload.Route route = this.auto.route(handler("compute"));
		AtomicInteger call = new AtomicInteger();
		Runnable twoInTwenty = () -> {
			spin(Duration.ofMillis(1).toNanos() / 5);
			if (call.incrementAndGet() % 10 == 5) {
				sleep(5);
			}
		};
		callAll(this.auto, route, twoInTwenty);
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.decided()).as("a young JVM's calls wait now and then").isFalse();
			assertThat(report.reason()).startsWith("it waited in a few calls (20 calls")
				.endsWith("measured again after 100 more calls (a young JVM's calls wait now and then)");
			assertThat(waitedOverOneMs(report)).isGreaterThanOrEqualTo(2);
		});
		// Three more windows, after pauses of 100, 200 and 400 calls, find the same, with the CPU
		// time a call the same as in the window before each. A window whose CPU time a call had not
		// settled yet (a slow minute of a shared machine) leaves the decision to the next, after
		// 800 calls.
		Executor handOver = this.auto.executor(this.pool::execute);
		for (int i = 0; i < 100 + 20 + 200 + 20 + 400 + 20 + 800 + 20 && !this.auto.report().get(0).decided(); i++) {
			assertThat(route.offloads()).isTrue();
			call(handOver, twoInTwenty, true);
		}
		assertThat(route.offloads()).isTrue();
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.decided()).as(report.reason()).isTrue();
			assertThat(report.reason()).startsWith("it waits (20 calls")
				.containsPattern("; in [34] windows of calls\\): it stays on the offload pool$");
		});
	}

	@Test
	void aHandlerThatComputesLongStaysOffTheLoopThatItWouldHold() throws Exception {
		AutoOffload.Route route = this.auto.route(handler("compute"));
		for (int i = 0; learning(this.auto) && i < MOST_CALLS; i++) {
			assertThat(route.offloads()).isTrue();
			call(() -> spin(Duration.ofMillis(3).toNanos()), true);
		}
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.runsOn()).isEqualTo(OffloadRoute.OFFLOAD_POOL);
			assertThat(report.decided()).as("looked at again later: the JIT may make it short").isFalse();
			// Or, where a call waited too on a shared machine, "it waited in a few calls": measured
			// again all the same.
			assertThat(report.reason()).satisfiesAnyOf(
					(reason) -> assertThat(reason).startsWith("it runs long (")
						.endsWith("it would hold every connection on that loop, so it stays on the offload pool;"
								+ " measured again after 100 more calls"),
					(reason) -> assertThat(reason).startsWith("it waited in a few calls (")
						.contains("it stays on the offload pool; measured again after 100 more calls"));
		});
		// The pause: 100 calls pass unmeasured, each asked about twice as Spring asks, then the next is measured.
		for (int i = 0; i < AutoOffload.PAUSE_CALLS; i++) {
			assertThat(route.offloads()).isTrue();
			assertThat(route.offloads()).isTrue();
			call(() -> spin(Duration.ofMillis(1).toNanos()), true);
		}
		assertThat(this.auto.report()).singleElement()
			.satisfies((report) -> assertThat(report.measured()).isZero());
		route.offloads();
		route.offloads();
		call(() -> spin(Duration.ofMillis(1).toNanos()), true);
		assertThat(this.auto.report()).singleElement()
			.satisfies((report) -> assertThat(report.measured()).isOne());
	}

	@Test
	void aHandlerThatRunsLongAndWaitsInAFewCallsIsJudgedAgainOnceItRunsShort() throws Exception {
		// Cold code loads classes, which waits now and then: such a window decides nothing for good.
		AutoOffload.Route route = this.auto.route(handler("compute"));
		AtomicInteger call = new AtomicInteger();
		callAll(this.auto, route, () -> {
			spin(Duration.ofMillis(3).toNanos());
			if (call.incrementAndGet() % 5 == 0) {
				sleep(5);
			}
		});
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.decided()).isFalse();
			assertThat(report.reason()).startsWith("it waited in a few calls (20 calls: waiting ")
				.contains(" µs on the CPU a call): it stays on the offload pool; measured again after 100 more calls");
			assertThat(waitedOverOneMs(report)).isBetween(3, 9);
		});
	}

	@Test
	void aHandlerThatRunsLongAndWaitsInMostCallsIsDecidedAtOnce() throws Exception {
		AutoOffload.Route route = this.auto.route(handler("waits"));
		callAll(this.auto, route, () -> {
			spin(Duration.ofMillis(2).toNanos());
			sleep(2);
		});
		assertThat(route.offloads()).isTrue();
		assertThat(this.auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.decided()).isTrue();
			assertThat(report.reason()).startsWith("it waits (20 calls");
			assertThat(waitedOverOneMs(report)).as("of 20 calls that slept 2 ms").isGreaterThanOrEqualTo(15);
		});
	}

	@Test
	void callsDuringWhichTheJvmCollectedGarbageAreLeftOut() throws Exception {
		// The collector stops every running thread: it is no handler's waiting.
		AtomicLong collections = new AtomicLong();
		AutoOffload auto = new AutoOffload((method) -> "GET /" + method.getName(), LEARNING,
				(ending) -> new AutoOffload.ThreadTimes.Reading(System.nanoTime(), 0, 0, 0, 7,
						collections.incrementAndGet()));
		AutoOffload.Route route = auto.route(handler("compute"));
		callAll(auto, route, () -> spin(1000));
		assertThat(route.offloads()).isTrue();
		assertThat(auto.report()).singleElement().satisfies((report) -> {
			assertThat(report.decided()).isFalse();
			assertThat(report.reason())
				.isEqualTo("learning: 0 of 20 calls measured (" + MOST_CALLS + " left out: the JVM collected garbage)");
		});
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
			// A collection during a call leaves it out, and says so.
			assertThat(report.reason()).matches("learning: (3 of 20 calls measured"
					+ "|[0-2] of 20 calls measured \\([1-3] left out: the JVM collected garbage\\))");
		});
	}

	@Test
	void aHandlerOnTheLoopThatTheWatchdogFindsOnABlockedLoopsStackGoesBackForGood() throws Exception {
		AutoOffload.Route compute = this.auto.route(handler("compute"));
		AutoOffload.Route other = this.auto.route(handler("waits"));
		// Until both run on the loop: a call of a few microseconds that waits once in a window (a
		// safepoint, say) is measured again in a later one.
		for (int i = 0; this.auto.report().stream().anyMatch((report) -> !report.decided()) && i < 2000; i++) {
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
	 * The count in the reason's "n over 1 ms": not exact for calls that slept, on a shared
	 * machine, where the kernel's run-queue figure can take in a wait that began before the call.
	 */
	private static int waitedOverOneMs(OffloadRoute report) {
		Matcher count = Pattern.compile("(\\d+) over 1 ms").matcher(report.reason());
		assertThat(count.find()).as(report.reason()).isTrue();
		return Integer.parseInt(count.group(1));
	}

	/**
	 * Whether a route of {@code auto} is still in its first window. A test calls until none is,
	 * rather than a fixed number of times: a call during which the JVM collected garbage (other
	 * tests' threads allocate too) is left out and needs one more.
	 */
	private static boolean learning(AutoOffload auto) {
		return auto.report().stream().anyMatch((report) -> report.reason().startsWith("learning"));
	}

	/** A learning handler's calls until its first window ends, through {@code auto}'s executor. */
	private void callAll(AutoOffload auto, AutoOffload.Route route, Runnable invocation) throws Exception {
		Executor handOver = auto.executor(this.pool::execute);
		for (int i = 0; learning(auto) && i < MOST_CALLS; i++) {
			assertThat(route.offloads()).as("call %d, still learning", i).isTrue();
			call(handOver, invocation, true);
		}
	}

	private void call(Runnable invocation, boolean handedOn) throws Exception {
		call(this.executor, invocation, handedOn);
	}

	/**
	 * One call as WebFlux makes it: a task handed over to the pool that, when {@code handedOn},
	 * hands the invocation on from inside it (run at once by the pool); otherwise runs it itself.
	 */
	private void call(Executor executor, Runnable invocation, boolean handedOn) throws Exception {
		CompletableFuture<Void> done = new CompletableFuture<>();
		executor.execute(() -> {
			if (handedOn) {
				executor.execute(() -> {
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
