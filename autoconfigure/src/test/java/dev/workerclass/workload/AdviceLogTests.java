package dev.workerclass.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The advice is logged once when it changes, and not before there are enough samples. */
class AdviceLogTests {

	private static final Advisor.Context THREAD = new Advisor.Context("thread", false, 200, 0, 0);

	@Test
	void logsOnceWhenTheAdviceChangesAndNeverBeforeEnoughSamples() {
		AtomicReference<WorkloadReport> report = new AtomicReference<>(AdvisorTests.report(10, null, 0, 0, null, null, 2));
		List<String> lines = new ArrayList<>();
		AdviceLog log = new AdviceLog(() -> Advisor.advise(report.get(), THREAD), lines::add);
		assertThat(log.check()).isFalse();
		report.set(AdvisorTests.report(1000, 0.04, 4, 8, 0.2, 0.3, 2));
		assertThat(log.check()).isTrue();
		// Other numbers, the same advice: not logged again.
		report.set(AdvisorTests.report(1500, 0.06, 5, 9, 0.2, 0.3, 2));
		assertThat(log.check()).isFalse();
		report.set(AdvisorTests.report(3000, 0.97, 2, 4, 0.9, 0.9, 2));
		assertThat(log.check()).isTrue();
		assertThat(lines).hasSize(2);
		assertThat(lines.get(0)).startsWith("Workload advice (GET /actuator/workers/advice): server.worker-class=virtual"
				+ " server.workers=1 server.worker-connections=1000 - I/O-bound: 96% of request time waiting");
		assertThat(lines.get(1)).contains("server.worker-class=thread").contains("CPU-bound");
	}

}
