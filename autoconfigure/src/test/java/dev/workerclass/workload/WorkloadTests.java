package dev.workerclass.workload;

import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measurement: the sample rate, the CPU share by CPU time on platform threads and by thread
 * states on virtual ones, routes, in flight and pools. Bounds on shares are generous: the machine
 * is shared, and a thread may wait for a core.
 */
class WorkloadTests {

	@Test
	void oneRequestInSampleEveryIsDrawn() {
		Workload workload = new Workload(10, List.of());
		int drawn = 0;
		for (int i = 0; i < 100_000; i++) {
			if (workload.draw()) {
				drawn++;
			}
		}
		assertThat(drawn).isBetween(9_000, 11_000);
		Workload everyOne = new Workload(1, List.of());
		for (int i = 0; i < 1_000; i++) {
			assertThat(everyOne.draw()).isTrue();
		}
	}

	@Test
	void onAPlatformThreadTheShareIsItsCpuTime() {
		Workload workload = new Workload(1, List.of());
		assertThat(workload.measuresCpuTime()).isTrue();
		for (int i = 0; i < 5; i++) {
			Sample sleeping = workload.start();
			sleep(20);
			sleeping.end("GET /sleep");
			Sample spinning = workload.start();
			spin(20);
			spinning.end("GET /spin");
		}
		WorkloadReport report = workload.report();
		assertThat(report.sampled()).isEqualTo(10);
		assertThat(route(report, "GET /sleep")).satisfies((sleep) -> {
			assertThat(sleep.measuredBy()).isEqualTo("cpu-time");
			assertThat(sleep.waitingShare()).isGreaterThan(0.8);
			assertThat(sleep.mean().toMillis()).isBetween(19L, 200L);
			assertThat(sleep.p99()).isGreaterThanOrEqualTo(sleep.mean());
		});
		assertThat(route(report, "GET /spin")).satisfies((spin) -> {
			assertThat(spin.measuredBy()).isEqualTo("cpu-time");
			assertThat(spin.cpuShare()).isGreaterThan(0.5);
			assertThat(spin.cpuShare() + spin.waitingShare()).isEqualTo(1.0);
		});
		// Every route together, weighted by time: about half of each.
		assertThat(report.cpuShare()).isBetween(0.25, 0.75);
	}

	@Test
	void timeOnTheKernelsRunQueueIsNeitherCpuNorWaiting() {
		// Fake readings: each sample runs 5 ms on a CPU in about 20 ms of wall time; the preempted
		// route spent 15 ms of them on the run queue (another thread had the core), the waiting one none.
		AtomicLong cpu = new AtomicLong();
		AtomicLong queued = new AtomicLong();
		ThreadMXBean threads = (ThreadMXBean) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { ThreadMXBean.class }, (proxy, method, args) -> {
					assertThat(method.getName()).isEqualTo("getCurrentThreadCpuTime");
					return cpu.get();
				});
		Workload workload = new Workload(1, List.of(), threads, null, queued::get, () -> -1);
		for (int i = 0; i < 5; i++) {
			Sample preempted = workload.start();
			sleep(20);
			cpu.addAndGet(5_000_000);
			queued.addAndGet(15_000_000);
			preempted.end("GET /preempted");
			Sample waiting = workload.start();
			sleep(20);
			cpu.addAndGet(5_000_000);
			waiting.end("GET /waiting");
		}
		WorkloadReport report = workload.report();
		assertThat(route(report, "GET /preempted").cpuShare()).as("5 ms on CPU of about 5 ms not queued")
			.isGreaterThan(0.6);
		assertThat(route(report, "GET /waiting").cpuShare()).as("5 ms on CPU of about 20 ms").isBetween(0.05, 0.3);
	}

	@Test
	void aThreadWhoseRunQueueTimeIsUnknownIsMeasuredByItsCpuTimeAlone() {
		AtomicLong cpu = new AtomicLong();
		ThreadMXBean threads = (ThreadMXBean) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { ThreadMXBean.class }, (proxy, method, args) -> cpu.get());
		Workload workload = new Workload(1, List.of(), threads, null, () -> -1, () -> -1);
		for (int i = 0; i < 5; i++) {
			Sample sample = workload.start();
			sleep(20);
			cpu.addAndGet(5_000_000);
			sample.end("GET /unknown");
		}
		assertThat(route(workload.report(), "GET /unknown").cpuShare()).isBetween(0.05, 0.3);
	}

	@Test
	void onAVirtualThreadTheShareIsWhatTheSamplerSawOfItsState() throws Exception {
		Workload workload = new Workload(1, List.of());
		for (String route : List.of("GET /sleep", "GET /spin")) {
			AtomicBoolean done = new AtomicBoolean();
			Thread request = Thread.ofVirtual().start(() -> {
				Sample sample = workload.start();
				if (route.endsWith("sleep")) {
					sleep(100);
				}
				else {
					spin(100);
				}
				sample.end(route);
				done.set(true);
			});
			while (!done.get()) {
				workload.tick(1, 10);
				Thread.sleep(2);
			}
			request.join();
		}
		WorkloadReport report = workload.report();
		assertThat(route(report, "GET /sleep")).satisfies((sleep) -> {
			assertThat(sleep.measuredBy()).isEqualTo("thread-states");
			assertThat(sleep.waitingShare()).isGreaterThan(0.8);
		});
		assertThat(route(report, "GET /spin")).satisfies((spin) -> {
			assertThat(spin.measuredBy()).isEqualTo("thread-states");
			assertThat(spin.cpuShare()).isGreaterThan(0.8);
		});
	}

	@Test
	void looksWhileTheJitCompilersHeldTheCoresAreLeftOut() throws Exception {
		// Fake compilers' clock: it runs (10 ms a look) while the request computes, then stops
		// while it sleeps. The looks that count saw it sleeping only.
		AtomicLong compileMillis = new AtomicLong();
		AtomicBoolean computing = new AtomicBoolean(true);
		Workload workload = new Workload(1, List.of(), null, null, () -> -1, compileMillis::get);
		AtomicBoolean done = new AtomicBoolean();
		Thread request = Thread.ofVirtual().start(() -> {
			Sample sample = workload.start();
			spin(80);
			computing.set(false);
			sleep(80);
			sample.end("GET /young-jvm");
			done.set(true);
		});
		while (!done.get()) {
			if (computing.get()) {
				compileMillis.addAndGet(10);
			}
			workload.tick(1, 10);
			Thread.sleep(2);
		}
		request.join();
		assertThat(route(workload.report(), "GET /young-jvm")).satisfies((route) -> {
			assertThat(route.measuredBy()).isEqualTo("thread-states");
			assertThat(route.waitingShare()).as("the looks while computing were the compilers'").isGreaterThan(0.8);
		});
	}

	@Test
	void tooFewLooksAtAVirtualThreadLeaveTheShareUnmeasured() throws Exception {
		Workload workload = new Workload(1, List.of());
		Thread.ofVirtual().start(() -> workload.start().end("GET /quick")).join();
		WorkloadReport report = workload.report();
		assertThat(route(report, "GET /quick").cpuShare()).isNull();
		assertThat(route(report, "GET /quick").measuredBy()).isEqualTo("none");
		assertThat(report.cpuShare()).isNull();
	}

	@Test
	void requestsNoMappingMatchedAreUnmappedAndRoutesBeyondTheCapAreOther() {
		Workload workload = new Workload(1, List.of());
		workload.start().end(null);
		for (int i = 0; i < Workload.MAX_ROUTES + 5; i++) {
			workload.start().end("GET /r" + i);
		}
		WorkloadReport report = workload.report();
		assertThat(report.routes()).hasSize(Workload.MAX_ROUTES + 1);
		assertThat(route(report, Workload.UNMAPPED).sampled()).isEqualTo(1);
		assertThat(route(report, Workload.OTHER_ROUTES).sampled()).isEqualTo(6);
	}

	@Test
	void aDiscardedSampleIsNotCountedAndRequestsAreEstimatedFromTheRate() {
		Workload workload = new Workload(1, List.of());
		workload.start().discard();
		assertThat(workload.report().sampled()).isZero();
		Workload sampled = new Workload(7, List.of());
		sampled.begin().end("GET /a");
		assertThat(route(sampled.report(), "GET /a").requests()).isEqualTo(7);
	}

	@Test
	void inFlightIsAveragedOverLooksWithRequestsInFlightAndItsPeakKept() {
		Workload workload = new Workload(1, List.of());
		workload.tick(2, 8);
		workload.tick(4, 6);
		workload.tick(0, 10);
		WorkloadReport report = workload.report();
		assertThat(report.inFlightMean()).isEqualTo(3.0);
		assertThat(report.inFlightPeak()).isEqualTo(4);
		assertThat(report.active()).isPositive();
	}

	@Test
	void aPoolIsReadAtEachLookWithRequestsInFlight() {
		FakePool pool = new FakePool(PoolGauge.Kind.JDBC, "HikariPool-1", 2);
		Workload workload = new Workload(1, List.of(pool));
		pool.busy = 2;
		pool.waiting = 3;
		workload.tick(5, 195);
		workload.tick(5, 0);
		pool.waiting = 0;
		workload.tick(2, 198);
		workload.tick(0, 200);
		PoolReport report = workload.report().pools().get(0);
		assertThat(report.kind()).isEqualTo("jdbc");
		assertThat(report.name()).isEqualTo("HikariPool-1");
		assertThat(report.size()).isEqualTo(2);
		assertThat(report.peakBusy()).isEqualTo(2);
		assertThat(report.waitingShare()).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
		assertThat(report.waitingWhileWorkersIdleShare()).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
		assertThat(report.meanWaiting()).isEqualTo(2.0);
		assertThat(report.peakWaiting()).isEqualTo(3);
	}

	static RouteReport route(WorkloadReport report, String route) {
		return report.routes().stream().filter((each) -> each.route().equals(route)).findFirst().orElseThrow();
	}

	static void sleep(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static void spin(long ms) {
		long end = System.nanoTime() + ms * 1_000_000;
		long x = 0;
		while (System.nanoTime() < end) {
			x += x * 31 + 7;
		}
		if (x == 42) {
			System.out.println();
		}
	}

	static final class FakePool implements PoolGauge {

		private final Kind kind;

		private final String name;

		private final int size;

		volatile int busy;

		volatile int waiting;

		FakePool(Kind kind, String name, int size) {
			this.kind = kind;
			this.name = name;
			this.size = size;
		}

		@Override
		public Kind kind() {
			return this.kind;
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public int size() {
			return this.size;
		}

		@Override
		public int busy() {
			return this.busy;
		}

		@Override
		public int waiting() {
			return this.waiting;
		}

	}

}
