package dev.workerclass.workload.autoconfigure;

import java.util.List;
import java.util.function.Supplier;

import dev.workerclass.workload.PoolGauge;
import dev.workerclass.workload.WorkloadSampler;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the sampler while the application runs. At the first start the pools found then (JDBC
 * pools, created by now) join the ones the sampler looks at.
 */
final class WorkloadLifecycle implements SmartLifecycle {

	private final Supplier<WorkloadSampler> newSampler;

	private final Supplier<List<PoolGauge>> pools;

	private final java.util.function.Consumer<PoolGauge> watch;

	private boolean poolsFound;

	private volatile WorkloadSampler sampler;

	WorkloadLifecycle(Supplier<WorkloadSampler> newSampler, Supplier<List<PoolGauge>> pools,
			java.util.function.Consumer<PoolGauge> watch) {
		this.newSampler = newSampler;
		this.pools = pools;
		this.watch = watch;
		this.sampler = newSampler.get();
	}

	@Override
	public synchronized void start() {
		if (!this.poolsFound) {
			this.poolsFound = true;
			this.pools.get().forEach(this.watch);
		}
		if (!this.sampler.isRunning()) {
			this.sampler = this.newSampler.get();
			this.sampler.start();
		}
	}

	@Override
	public synchronized void stop() {
		this.sampler.close();
	}

	@Override
	public boolean isRunning() {
		return this.sampler.isRunning();
	}

}
