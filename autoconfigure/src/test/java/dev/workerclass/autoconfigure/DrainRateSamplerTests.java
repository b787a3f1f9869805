package dev.workerclass.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.workerclass.workers.RequestPool;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.WorkersSnapshot;
import dev.workerclass.workers.Workers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DrainRateSampler}: one daemon thread samples every pool while it runs, and
 * none once stopped.
 */
class DrainRateSamplerTests {

	@Test
	void whileRunningOneDaemonThreadSamplesEveryPool() {
		CountingPool workers = new CountingPool();
		CountingPool offload = new CountingPool();
		DrainRateSampler sampler = new DrainRateSampler(List.of(workers, offload), Duration.ofMillis(20));
		sampler.start();
		try {
			assertThat(sampler.isRunning()).isTrue();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> workers.samples.get() >= 3 && offload.samples.get() >= 3);
			assertThat(workers.sampledBy.get().getName()).isEqualTo("workerclass-drain-rate");
			assertThat(workers.sampledBy.get().isDaemon()).isTrue();
		}
		finally {
			sampler.stop();
		}
		assertThat(sampler.isRunning()).isFalse();
		assertThat(workers.sampledBy.get().isAlive()).isFalse();
		int stoppedAt = workers.samples.get();
		sampler.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> workers.samples.get() > stoppedAt);
		sampler.stop();
	}

	/** A pool that only counts its samples. */
	private static final class CountingPool implements RequestPool {

		final AtomicInteger samples = new AtomicInteger();

		final AtomicReference<Thread> sampledBy = new AtomicReference<>();

		@Override
		public void sampleDrainRate() {
			this.sampledBy.set(Thread.currentThread());
			this.samples.incrementAndGet();
		}

		@Override
		public int retryAfterSeconds() {
			return 1;
		}

		@Override
		public Workers.Outcome serve(Workers.Handler handler, Runnable atDeadline) {
			throw new UnsupportedOperationException();
		}

		@Override
		public WorkersSnapshot snapshot() {
			throw new UnsupportedOperationException();
		}

		@Override
		public WorkerSettings settings() {
			throw new UnsupportedOperationException();
		}

		@Override
		public int lineBound() {
			throw new UnsupportedOperationException();
		}

		@Override
		public long refusals() {
			throw new UnsupportedOperationException();
		}

		@Override
		public long lastRefusalNanos() {
			throw new UnsupportedOperationException();
		}

	}

}
