package dev.workerclass.workload;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** gunicorn's rules of thumb, fed numbers. */
class AdvisorTests {

	private static final Advisor.Context THREAD = new Advisor.Context("thread", false, 200, 0, 0);

	@Test
	void requestsThatMostlyWaitFitVirtualThreadsWithRoomForThePeak() {
		Advice advice = Advisor.advise(report(1000, 0.04, 40, 600, 0.2, 0.3, 4), THREAD);
		assertThat(advice.verdict()).isEqualTo(Advice.Verdict.IO_BOUND);
		assertThat(advice.workerClass()).isEqualTo("virtual");
		assertThat(advice.properties()).containsExactly(entry("server.worker-class", "virtual"),
				entry("server.workers", "1"), entry("server.worker-connections", "2400"));
		assertThat(advice.why()).startsWith("I/O-bound: 96% of request time waiting and 4% on CPU, 40.0 requests in"
				+ " flight on average and 600 at peak");
		assertThat(advice.limits()).isEmpty();
		// A smaller peak keeps the class's default.
		assertThat(Advisor.advise(report(1000, 0.04, 4, 8, 0.2, 0.3, 4), THREAD).properties())
			.containsEntry("server.worker-connections", "1000");
	}

	@Test
	void requestsMostlyOnCpuFitAboutAsManyThreadsAsCores() {
		Advice advice = Advisor.advise(report(1000, 0.98, 3, 8, 0.9, 0.95, 4), THREAD);
		assertThat(advice.verdict()).isEqualTo(Advice.Verdict.CPU_BOUND);
		assertThat(advice.workerClass()).isEqualTo("thread");
		assertThat(advice.properties()).containsExactly(entry("server.worker-class", "thread"),
				entry("server.workers", "1"), entry("server.threads", "4"));
		assertThat(advice.why()).contains("CPU-bound: 2% of request time waiting and 98% on CPU")
			.contains("4 for 4; or sync with server.workers=4");
		// 80% on CPU: five threads keep four cores busy; never more than 2 × cores + 1.
		assertThat(Advisor.advise(report(1000, 0.8, 3, 8, 0.5, 0.5, 4), THREAD).properties())
			.containsEntry("server.threads", "5");
		assertThat(Advisor.threads(0.76, 4, 9)).isEqualTo(5);
		assertThat(Advisor.threads(0.3, 4, 9)).isEqualTo(9);
		assertThat(Advisor.threads(1.0, 4, 9)).isEqualTo(4);
	}

	@Test
	void coresSaturatedByThisProcessMeanCpuBoundWhateverTheThreadsWaited() {
		// Threads that queued for the cores look as if they waited.
		Advice advice = Advisor.advise(report(1000, 0.4, 8, 8, 0.95, 0.97, 2), THREAD);
		assertThat(advice.verdict()).isEqualTo(Advice.Verdict.CPU_BOUND);
		assertThat(advice.workerClass()).isEqualTo("thread");
		assertThat(advice.properties()).containsEntry("server.threads", "5");
	}

	@Test
	void betweenTheTwoIsThreadAsGunicornAdvisesWhenUnsure() {
		Advice advice = Advisor.advise(report(1000, 0.5, 6, 10, 0.4, 0.4, 4), THREAD);
		assertThat(advice.verdict()).isEqualTo(Advice.Verdict.UNSURE);
		assertThat(advice.workerClass()).isEqualTo("thread");
		assertThat(advice.properties()).containsEntry("server.threads", "8");
		assertThat(advice.why()).startsWith("Neither clearly I/O- nor CPU-bound: 50% of request time waiting");
	}

	@Test
	void tooFewSamplesIsNotEnough() {
		Advice none = Advisor.advise(report(0, null, 0, 0, null, null, 2), THREAD);
		assertThat(none.verdict()).isEqualTo(Advice.Verdict.NOT_ENOUGH);
		assertThat(none.workerClass()).isNull();
		assertThat(none.properties()).isEmpty();
		assertThat(none.why()).isEqualTo("Not seen enough yet: 0 requests measured of the 200 needed (one in 20 is"
				+ " measured).");
		assertThat(Advisor.advise(report(199, 0.5, 1, 1, 0.1, 0.1, 2), THREAD).verdict())
			.isEqualTo(Advice.Verdict.NOT_ENOUGH);
		// Enough requests but no share (too few looks at short requests' virtual threads).
		Advice noShare = Advisor.advise(report(500, null, 1, 1, 0.1, 0.1, 2), THREAD);
		assertThat(noShare.verdict()).isEqualTo(Advice.Verdict.NOT_ENOUGH);
		assertThat(noShare.why()).contains("too few looks");
	}

	@Test
	void reactiveHandlersStayReactiveWithOneLoopPerCore() {
		Advisor.Context reactive = new Advisor.Context("reactive", true, 200, 0, 0);
		Advice advice = Advisor.advise(report(1000, null, 20, 50, 0.3, 0.3, 4), reactive);
		assertThat(advice.workerClass()).isEqualTo("reactive");
		assertThat(advice.properties()).containsExactly(entry("server.worker-class", "reactive"),
				entry("server.workers", "4"));
		assertThat(advice.why()).contains("not measured on event loops").contains("0 blocked event loops");
	}

	@Test
	void aJdbcPoolWithThreadsWaitingWhileWorkersSitIdleIsNamedAsTheLimit() {
		PoolReport pool = new PoolReport("jdbc", "HikariPool-1", 2, 2, 0.9, 0.85, 5.5, 6);
		Advice advice = Advisor.advise(report(1000, 0.03, 8, 8, 0.1, 0.2, 2, List.of(pool)), THREAD);
		assertThat(advice.workerClass()).isEqualTo("virtual");
		assertThat(advice.limits()).singleElement().satisfies((limit) -> {
			assertThat(limit.kind()).isEqualTo("jdbc-pool");
			assertThat(limit.name()).isEqualTo("HikariPool-1");
			assertThat(limit.why()).startsWith("The JDBC pool HikariPool-1 (2 connections) is the limit: threads"
					+ " waited for a connection at 85% of the looks while workers sat idle (5.5 waiting on average,"
					+ " 6 at peak)");
		});
		// Named before enough samples too: it does not depend on the shares.
		assertThat(Advisor.advise(report(10, null, 8, 8, 0.1, 0.2, 2, List.of(pool)), THREAD).limits()).hasSize(1);
		// Waiting now and then is no limit.
		PoolReport rarely = new PoolReport("jdbc", "HikariPool-1", 10, 10, 0.05, 0.05, 0.1, 1);
		assertThat(Advisor.advise(report(1000, 0.03, 8, 8, 0.1, 0.2, 2, List.of(rarely)), THREAD).limits()).isEmpty();
	}

	@Test
	void aQueuedOffloadPoolAndCarriersHeldByNativeCallsAreNamed() {
		PoolReport offload = new PoolReport("offload", "offload", 200, 200, 0.5, 0.0, 30, 120);
		Advisor.Context virtual = new Advisor.Context("virtual", false, 200, 3, 0);
		Advice advice = Advisor.advise(report(1000, 0.03, 8, 8, 0.1, 0.2, 2, List.of(offload)), virtual);
		assertThat(advice.limits()).extracting(Advice.Limit::kind).containsExactly("offload-pool", "native-calls");
		assertThat(advice.limits().get(0).why()).contains("200 threads").contains("server.offload-threads");
		assertThat(advice.limits().get(1).why()).contains("3 times").contains("@Blocking");
	}

	@Test
	void theKeyIgnoresTheSentences() {
		Advice one = Advisor.advise(report(1000, 0.04, 4, 8, 0.2, 0.3, 4), THREAD);
		Advice other = Advisor.advise(report(2000, 0.05, 5, 9, 0.2, 0.3, 4), THREAD);
		assertThat(one.why()).isNotEqualTo(other.why());
		assertThat(one.key()).isEqualTo(other.key());
		assertThat(Advisor.advise(report(1000, 0.98, 3, 8, 0.9, 0.95, 4), THREAD).key()).isNotEqualTo(one.key());
	}

	static WorkloadReport report(long sampled, Double cpuShare, double inFlightMean, int inFlightPeak, Double coresBusy,
			Double machineBusy, int cores) {
		return report(sampled, cpuShare, inFlightMean, inFlightPeak, coresBusy, machineBusy, cores, List.of());
	}

	static WorkloadReport report(long sampled, Double cpuShare, double inFlightMean, int inFlightPeak, Double coresBusy,
			Double machineBusy, int cores, List<PoolReport> pools) {
		return new WorkloadReport(Instant.EPOCH, 20, sampled, List.of(), cpuShare,
				(cpuShare != null) ? 1 - cpuShare : null, inFlightMean, inFlightPeak, Duration.ofSeconds(10), coresBusy,
				machineBusy, cores, pools);
	}

}
