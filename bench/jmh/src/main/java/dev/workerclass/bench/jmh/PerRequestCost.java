package dev.workerclass.bench.jmh;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.workerclass.workers.ThreadWorkers;
import dev.workerclass.workers.VirtualWorkers;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.WorkerSlots;
import dev.workerclass.workers.Workers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the starter adds to one request, single-threaded, with no HTTP: taking and giving back a
 * slot ({@link WorkerSlots}), and {@link Workers#serve} for {@code virtual} (the handler runs inline
 * on the calling thread) and {@code thread} (the handler is handed to a pool thread and waited for),
 * against calling the handler directly. {@code timeout} is {@code server.timeout}: the default 30 s
 * arms an alarm per request, {@code 0s} arms none.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerRequestCost {

	@Param({ "30s", "0s" })
	public String timeout;

	private WorkerSlots slots;

	private Workers virtual;

	private Workers thread;

	private long counter;

	private final Workers.Handler handler = () -> this.counter++;

	@Setup(Level.Trial)
	public void setUp() {
		Duration deadline = Duration.parse("PT" + this.timeout.toUpperCase());
		this.slots = new WorkerSlots(1000, 10_000);
		this.virtual = new VirtualWorkers(settings("virtual", deadline));
		this.thread = new ThreadWorkers(settings("thread", deadline));
	}

	private static WorkerSettings settings(String workerClass, Duration timeout) {
		return WorkerSettings.builder()
			.workerClass(workerClass)
			.gracefulTimeout(Duration.ofSeconds(5))
			.timeout(timeout)
			.resolve(Runtime.getRuntime().availableProcessors());
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.virtual.close(Duration.ofSeconds(5));
		this.thread.close(Duration.ofSeconds(5));
	}

	/** The baseline: the handler called directly, as with no starter. */
	@Benchmark
	public long direct() throws Exception {
		this.handler.handle();
		return this.counter;
	}

	/** One slot taken and given back (uncontended), the counters included. */
	@Benchmark
	public void slotsAcquireRelease(Blackhole bh) {
		WorkerSlots.Ticket ticket = this.slots.acquire(bh::consume);
		ticket.release();
	}

	/** virtual: admit, run inline on this thread, release. */
	@Benchmark
	public Workers.Outcome virtualServe() throws Exception {
		return this.virtual.serve(this.handler);
	}

	/** thread: admit, hand the handler to a pool thread, wait for it, release. */
	@Benchmark
	public Workers.Outcome threadServe() throws Exception {
		return this.thread.serve(this.handler);
	}

}
