package dev.workerclass.workload.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.workerclass.workload.PoolGauge;

/**
 * A HikariCP pool as the sampler reads it: its {@link HikariPoolMXBean}'s active connections and
 * threads awaiting one, zero until the pool has started.
 */
final class HikariPoolGauge implements PoolGauge {

	private final HikariDataSource dataSource;

	HikariPoolGauge(HikariDataSource dataSource) {
		this.dataSource = dataSource;
	}

	@Override
	public Kind kind() {
		return Kind.JDBC;
	}

	@Override
	public String name() {
		String name = this.dataSource.getPoolName();
		return (name != null) ? name : "HikariPool";
	}

	@Override
	public int size() {
		return this.dataSource.getMaximumPoolSize();
	}

	@Override
	public int busy() {
		HikariPoolMXBean pool = this.dataSource.getHikariPoolMXBean();
		return (pool != null) ? pool.getActiveConnections() : 0;
	}

	@Override
	public int waiting() {
		HikariPoolMXBean pool = this.dataSource.getHikariPoolMXBean();
		return (pool != null) ? pool.getThreadsAwaitingConnection() : 0;
	}

}
