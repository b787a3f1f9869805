package dev.workerclass.it;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A HikariCP pool of two connections in front of twenty threads: eight clients at once wait
 * for a connection while workers sit idle, and the advice names the pool as the limit.
 */
class WorkloadJdbcPoolIT {

	@Test
	@SuppressWarnings("unchecked")
	void aPoolSmallerThanTheWorkersIsNamedAsTheLimit() {
		try (RunningServer server = RunningServer.start(JdbcPoolApp.class, "server.worker-class=thread",
				"server.threads=20", "management.endpoints.web.exposure.include=workers",
				"server.workload.sample-every=1", "server.workload.sample-interval=5ms",
				"server.workload.min-samples=50")) {
			// 8 × 10 queries of 40 ms on 2 connections: about 1.6 s.
			WorkloadAdviceIT.load(server, "/query?ms=40", 8, 10);
			Map<String, Object> advice = WorkloadAdviceIT.advice(server);
			List<Map<String, Object>> pools = (List<Map<String, Object>>) WorkloadAdviceIT.workload(advice).get("pools");
			assertThat(pools).anySatisfy((pool) -> {
				assertThat(pool.get("kind")).isEqualTo("jdbc");
				assertThat(pool.get("name")).isEqualTo(JdbcPoolApp.POOL_NAME);
				assertThat(pool.get("size")).isEqualTo(2);
				assertThat(pool.get("peakBusy")).isEqualTo(2);
				assertThat(((Number) pool.get("waitingWhileWorkersIdleShare")).doubleValue()).isGreaterThan(0.3);
			});
			List<Map<String, Object>> limits = (List<Map<String, Object>>) advice.get("limits");
			assertThat(limits).as("%s", advice).singleElement().satisfies((limit) -> {
				assertThat(limit.get("kind")).isEqualTo("jdbc-pool");
				assertThat(limit.get("name")).isEqualTo(JdbcPoolApp.POOL_NAME);
				assertThat((String) limit.get("why")).startsWith("The JDBC pool " + JdbcPoolApp.POOL_NAME
						+ " (2 connections) is the limit: threads waited for a connection");
			});
			// Waiting for a connection is waiting: the class is still the one for I/O.
			assertThat(advice.get("workerClass")).isEqualTo("virtual");
		}
	}

}
