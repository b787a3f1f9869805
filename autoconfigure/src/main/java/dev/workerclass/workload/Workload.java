package dev.workerclass.workload;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import dev.workerclass.diagnostics.CpuWait;

import org.jspecify.annotations.Nullable;

/**
 * The per-route workload, from a sample of the requests. A request is sampled with probability
 * {@code 1 / sampleEvery} by one random draw in {@link #start()}, which is all an unsampled
 * request pays; a sampled one is timed from start to end, and its CPU share measured by the
 * thread it runs on (see {@link Sample}). {@link #tick} is the sampler's look, every few
 * milliseconds: it counts the thread states of the sampled requests in flight that run on virtual
 * threads (RUNNABLE is on a core or ready for one; WAITING, TIMED_WAITING and BLOCKED are waiting),
 * the requests in flight, the process's CPU and the pools in front of the work.
 */
public final class Workload {

	/** Routes kept apart; requests of routes beyond these count under {@link #OTHER_ROUTES}. */
	static final int MAX_ROUTES = 200;

	static final String UNMAPPED = "(unmapped)";

	static final String OTHER_ROUTES = "(other routes)";

	/**
	 * The machine's CPU load at and above which its cores count as full: a platform thread found
	 * RUNNABLE off CPU then waits for a core, and that time counts as CPU, not waiting.
	 */
	static final double CORES_FULL = 0.85;

	/** A look is left out when the JIT compilers used more than 1 / this of the time since the last. */
	static final int COMPILING_SHARE_INVERSE = 10;

	/** State samples a route needs before a share is read from them. */
	static final int MIN_TICKS = 10;

	private final int sampleEvery;

	private final @Nullable ThreadMXBean threads;

	private final boolean cpuTimeMeasured;

	private final ConcurrentHashMap<String, RouteStats> routes = new ConcurrentHashMap<>();

	private final Set<Sample> inFlight = ConcurrentHashMap.newKeySet();

	private final LongAdder sampled = new LongAdder();

	// Guarded by this: gauges join as their pools are found, and looks and reports read them.
	private final List<PoolGauge> gauges = new ArrayList<>();

	private final List<PoolStats> poolStats = new ArrayList<>();

	private final @Nullable OperatingSystemMXBean os;

	private final LongSupplier queuedNanos;

	private final LongSupplier compileMillis;

	// The compilers' time at the last look, -1 before the first or where the JVM does not say.
	private long lastCompileMillis = -1;

	private final Instant since = Instant.now();

	// The sampler's state, written by its thread only (tick is called by one thread at a time).
	private long activeTicks;

	private long busySum;

	private int busyPeak;

	private long activeNanos;

	private long activeCpuNanos;

	private long lastTickNanos;

	private long lastCpuNanos = -1;

	private boolean lastActive;

	private double machineLoadSum;

	private long machineLoadLooks;

	private long lastMachineLoadNanos;

	/**
	 * Time between two readings of the machine's CPU load while requests are in flight: a
	 * reading costs 0.2 to 0.5 ms in a container (the JDK reads /proc and the cgroup's files).
	 */
	static final long MACHINE_LOAD_EVERY_NANOS = 5_000_000_000L;

	/** A report reads the machine's load afresh when the last reading is older than this. */
	static final long MACHINE_LOAD_FRESH_NANOS = 500_000_000L;

	// When a sample last began: the sampler looks seldom while none do.
	private volatile long lastBeginNanos;

	// The sampler while it is in a long, quiet park: the next sample wakes it, once.
	private volatile @Nullable Thread quietSampler;

	/**
	 * @param sampleEvery one request in this many is measured (1 measures every request)
	 * @param gauges the pools read at each look
	 */
	public Workload(int sampleEvery, List<PoolGauge> gauges) {
		this(sampleEvery, gauges, cpuTimeBean(), ManagementFactory.getOperatingSystemMXBean(),
				Workload::kernelQueuedNanos, compileMillisOfThisJvm());
	}

	/**
	 * @param queuedNanos the calling thread's time on the kernel's run queue so far, -1 where unknown
	 * @param compileMillis the JIT compilers' time so far, -1 where unknown
	 */
	Workload(int sampleEvery, List<PoolGauge> gauges, @Nullable ThreadMXBean threads, @Nullable OperatingSystemMXBean os,
			LongSupplier queuedNanos, LongSupplier compileMillis) {
		if (sampleEvery < 1) {
			throw new IllegalArgumentException("sampleEvery must be at least 1, not " + sampleEvery);
		}
		this.sampleEvery = sampleEvery;
		this.threads = threads;
		this.cpuTimeMeasured = threads != null;
		gauges.forEach(this::watch);
		this.os = (os instanceof com.sun.management.OperatingSystemMXBean) ? os : null;
		this.queuedNanos = queuedNanos;
		this.compileMillis = compileMillis;
	}

	static LongSupplier compileMillisOfThisJvm() {
		CompilationMXBean compilers = ManagementFactory.getCompilationMXBean();
		return (compilers != null && compilers.isCompilationTimeMonitoringSupported())
				? compilers::getTotalCompilationTime : () -> -1;
	}

	private static long kernelQueuedNanos() {
		CpuWait.Times times = CpuWait.ofCurrentThread();
		return (times != null) ? times.waitNanos() : -1;
	}

	/** The thread MX bean when it measures the current thread's CPU time, and that measurement is on. */
	static @Nullable ThreadMXBean cpuTimeBean() {
		ThreadMXBean bean = ManagementFactory.getThreadMXBean();
		return (bean.isCurrentThreadCpuTimeSupported() && bean.isThreadCpuTimeEnabled()) ? bean : null;
	}

	/** Adds a pool to look at from the next look on. */
	public synchronized void watch(PoolGauge gauge) {
		this.gauges.add(gauge);
		this.poolStats.add(new PoolStats());
	}

	/** Whether platform threads are measured by their CPU time (else by their states, as virtual threads are). */
	public boolean measuresCpuTime() {
		return this.cpuTimeMeasured;
	}

	public int sampleEvery() {
		return this.sampleEvery;
	}

	/**
	 * Draws whether the request about to run on this thread is sampled, and if it is starts its sample.
	 * @return its sample, or {@code null} (most requests): nothing more to do
	 */
	public @Nullable Sample start() {
		return draw() ? begin() : null;
	}

	/**
	 * The one random draw an unsampled request pays: whether to sample it. Done where the request
	 * arrives; {@link #begin()} then starts the sample on the thread that runs it.
	 */
	public boolean draw() {
		return this.sampleEvery == 1 || ThreadLocalRandom.current().nextInt(this.sampleEvery) == 0;
	}

	/** Starts the sample of a drawn request, on the thread that runs it. */
	public Sample begin() {
		this.lastBeginNanos = System.nanoTime();
		wakeQuietSampler();
		Thread thread = Thread.currentThread();
		Sample sample = (!thread.isVirtual() && this.cpuTimeMeasured)
				? new Sample(this, Sample.Mode.CPU_TIME, thread, this.threads)
				: new Sample(this, Sample.Mode.THREAD_STATES, thread, null);
		// A platform thread is looked at too: RUNNABLE while off CPU is waiting for a core (or in native I/O).
		this.inFlight.add(sample);
		return sample;
	}

	/**
	 * Starts the sample of a drawn request that is not one thread's (on event loops): it is timed,
	 * its CPU share is not measured.
	 */
	public Sample beginUnthreaded() {
		this.lastBeginNanos = System.nanoTime();
		wakeQuietSampler();
		return new Sample(this, Sample.Mode.NONE, null, null);
	}

	/** Whether a sample began within {@code nanos}: while none did, the sampler need not look often. */
	boolean sampledWithin(long nanos) {
		long last = this.lastBeginNanos;
		return last != 0 && System.nanoTime() - last < nanos;
	}

	/** Called by the sampler before a long park: the next sample to begin unparks it. */
	void quiet(@Nullable Thread sampler) {
		this.quietSampler = sampler;
	}

	private void wakeQuietSampler() {
		Thread sampler = this.quietSampler;
		if (sampler != null) {
			this.quietSampler = null;
			LockSupport.unpark(sampler);
		}
	}

	boolean hasInFlight() {
		return !this.inFlight.isEmpty();
	}

	@Nullable ThreadMXBean threads() {
		return this.threads;
	}

	/** The calling thread's time on the kernel's run queue so far, -1 where unknown. */
	long queuedNanosOfCurrentThread() {
		return this.queuedNanos.getAsLong();
	}

	void ended(Sample sample, @Nullable String route, long wallNanos, long cpuNanos, long queuedNanos) {
		if (sample.mode != Sample.Mode.NONE) {
			this.inFlight.remove(sample);
		}
		this.sampled.increment();
		routeStats((route != null) ? route : UNMAPPED).add(sample, wallNanos, cpuNanos, queuedNanos);
	}

	void discarded(Sample sample) {
		this.inFlight.remove(sample);
	}

	private RouteStats routeStats(String route) {
		RouteStats stats = this.routes.get(route);
		if (stats != null) {
			return stats;
		}
		if (this.routes.size() >= MAX_ROUTES) {
			return this.routes.computeIfAbsent(OTHER_ROUTES, (key) -> new RouteStats());
		}
		return this.routes.computeIfAbsent(route, (key) -> new RouteStats());
	}

	/**
	 * One look of the sampler, called by one thread at a time.
	 * @param busy requests in flight now (the workers' busy slots)
	 * @param idle free worker slots now
	 */
	public synchronized void tick(int busy, int idle) {
		long now = System.nanoTime();
		long compiled = this.compileMillis.getAsLong();
		// While the JIT compilers held the cores for more than a tenth of the time since the last
		// look (a young JVM), a request ready to run waited for them, and its thread reads RUNNABLE
		// all the same: that look would count as the request's CPU, and is left out.
		boolean compiling = compiled >= 0 && this.lastCompileMillis >= 0 && this.lastTickNanos != 0
				&& (compiled - this.lastCompileMillis) * 1_000_000 * COMPILING_SHARE_INVERSE > now - this.lastTickNanos;
		this.lastCompileMillis = compiled;
		if (!compiling) {
			for (Sample sample : this.inFlight) {
				Thread thread = sample.thread;
				if (thread == null) {
					continue;
				}
				switch (thread.getState()) {
					case RUNNABLE -> sample.runnableTicks++;
					case WAITING, TIMED_WAITING, BLOCKED -> sample.waitingTicks++;
					default -> {
					}
				}
			}
		}
		long cpu = processCpuNanos();
		boolean active = busy > 0;
		if (active) {
			this.activeTicks++;
			this.busySum += busy;
			this.busyPeak = Math.max(this.busyPeak, busy);
			if (this.lastMachineLoadNanos == 0 || now - this.lastMachineLoadNanos >= MACHINE_LOAD_EVERY_NANOS) {
				// The load since the last reading (the first reading primes it).
				double load = machineLoad();
				if (load >= 0 && this.lastMachineLoadNanos != 0) {
					this.machineLoadSum += load;
					this.machineLoadLooks++;
				}
				this.lastMachineLoadNanos = now;
			}
			for (int i = 0; i < this.poolStats.size(); i++) {
				this.poolStats.get(i).look(this.gauges.get(i), idle > 0);
			}
		}
		// The time and CPU since the last look count as active when requests were in flight at either end.
		if (this.lastTickNanos != 0 && (active || this.lastActive)) {
			this.activeNanos += now - this.lastTickNanos;
			if (cpu >= 0 && this.lastCpuNanos >= 0) {
				this.activeCpuNanos += cpu - this.lastCpuNanos;
			}
		}
		this.lastTickNanos = now;
		this.lastCpuNanos = cpu;
		this.lastActive = active;
	}

	/** The whole machine's CPU load since the last reading, 0 to 1; negative when not known. */
	private double machineLoad() {
		return (this.os instanceof com.sun.management.OperatingSystemMXBean sun) ? sun.getCpuLoad() : -1;
	}

	private long processCpuNanos() {
		return (this.os instanceof com.sun.management.OperatingSystemMXBean sun) ? sun.getProcessCpuTime() : -1;
	}

	/** What was measured so far. */
	public synchronized WorkloadReport report() {
		List<RouteReport> reports = new ArrayList<>();
		double cpuWeighted = 0;
		double wallWeighted = 0;
		long now = System.nanoTime();
		if (this.lastMachineLoadNanos != 0 && now - this.lastMachineLoadNanos >= MACHINE_LOAD_FRESH_NANOS) {
			// The load since the last reading, so that a report after a short load has one.
			double load = machineLoad();
			if (load >= 0) {
				this.machineLoadSum += load;
				this.machineLoadLooks++;
			}
			this.lastMachineLoadNanos = now;
		}
		Double machineBusy = (this.machineLoadLooks > 0) ? clamp(this.machineLoadSum / this.machineLoadLooks) : null;
		boolean coresFull = machineBusy != null && machineBusy >= CORES_FULL;
		for (var entry : this.routes.entrySet()) {
			RouteStats stats = entry.getValue();
			RouteReport report = stats.report(entry.getKey(), this.sampleEvery, coresFull);
			reports.add(report);
			if (report.cpuShare() != null) {
				double wall = stats.wallNanos();
				cpuWeighted += report.cpuShare() * wall;
				wallWeighted += wall;
			}
		}
		reports.sort(Comparator.comparingDouble((RouteReport report) -> report.mean().toNanos() * (double) report.sampled())
			.reversed());
		Double cpuShare = (wallWeighted > 0) ? clamp(cpuWeighted / wallWeighted) : null;
		int cores = Runtime.getRuntime().availableProcessors();
		Double coresBusy = (this.os != null && this.activeNanos > 0)
				? clamp((double) this.activeCpuNanos / this.activeNanos / cores) : null;
		List<PoolReport> pools = new ArrayList<>();
		for (int i = 0; i < this.poolStats.size(); i++) {
			pools.add(this.poolStats.get(i).report(this.gauges.get(i), this.activeTicks));
		}
		return new WorkloadReport(this.since, this.sampleEvery, this.sampled.sum(), List.copyOf(reports), cpuShare,
				(cpuShare != null) ? 1 - cpuShare : null,
				(this.activeTicks > 0) ? (double) this.busySum / this.activeTicks : 0, this.busyPeak,
				Duration.ofNanos(this.activeNanos), coresBusy, machineBusy, cores, List.copyOf(pools));
	}

	static double clamp(double share) {
		return Math.max(0, Math.min(1, share));
	}

	/** One route's samples. */
	private static final class RouteStats {

		private final LatencyHistogram histogram = new LatencyHistogram();

		private long wallNanos;

		private long cpuTimeWallNanos;

		private long cpuTimeNanos;

		private long stateWallNanos;

		private long runnableTicks;

		private long waitingTicks;

		// Looks at the platform threads measured by CPU time.
		private long cpuTimeRunnableTicks;

		private long cpuTimeWaitingTicks;

		synchronized void add(Sample sample, long wall, long cpu, long queued) {
			this.histogram.record(wall);
			this.wallNanos += wall;
			if (sample.mode == Sample.Mode.CPU_TIME && cpu >= 0) {
				long onCpu = Math.min(cpu, wall);
				if (queued >= 0) {
					// Time on the run queue (preempted by other threads, the JIT compilers, another
					// process) was neither the request's CPU nor its own waiting: it is left out.
					this.cpuTimeWallNanos += Math.max(onCpu, wall - queued);
				}
				else {
					// Not known: the looks that found the thread RUNNABLE stand in when the cores are full.
					this.cpuTimeWallNanos += wall;
					this.cpuTimeRunnableTicks += sample.runnableTicks;
					this.cpuTimeWaitingTicks += sample.waitingTicks;
				}
				this.cpuTimeNanos += onCpu;
			}
			else if (sample.mode == Sample.Mode.THREAD_STATES) {
				this.stateWallNanos += wall;
				this.runnableTicks += sample.runnableTicks;
				this.waitingTicks += sample.waitingTicks;
			}
		}

		synchronized long wallNanos() {
			return this.cpuTimeWallNanos + (this.runnableTicks + this.waitingTicks >= MIN_TICKS ? this.stateWallNanos : 0);
		}

		/**
		 * The CPU share of the platform threads measured by CPU time: their CPU time, or, with the
		 * cores full, the share of looks that found them RUNNABLE if that is more (off CPU but
		 * RUNNABLE is then waiting for a core; with cores to spare it is native I/O, waiting).
		 */
		private double cpuTimeShare(boolean coresFull) {
			double onCpu = (double) this.cpuTimeNanos / this.cpuTimeWallNanos;
			long ticks = this.cpuTimeRunnableTicks + this.cpuTimeWaitingTicks;
			if (coresFull && ticks >= MIN_TICKS) {
				return Math.max(onCpu, (double) this.cpuTimeRunnableTicks / ticks);
			}
			return onCpu;
		}

		synchronized RouteReport report(String route, int sampleEvery, boolean coresFull) {
			long count = this.histogram.count();
			Double cpuShare = null;
			String measuredBy = "none";
			long ticks = this.runnableTicks + this.waitingTicks;
			boolean byStates = ticks >= MIN_TICKS;
			boolean byCpuTime = this.cpuTimeWallNanos > 0;
			if (byCpuTime && byStates) {
				double fromStates = (double) this.runnableTicks / ticks;
				cpuShare = (cpuTimeShare(coresFull) * this.cpuTimeWallNanos + fromStates * this.stateWallNanos)
						/ (this.cpuTimeWallNanos + this.stateWallNanos);
				measuredBy = "mixed";
			}
			else if (byCpuTime) {
				cpuShare = cpuTimeShare(coresFull);
				measuredBy = "cpu-time";
			}
			else if (byStates) {
				cpuShare = (double) this.runnableTicks / ticks;
				measuredBy = "thread-states";
			}
			if (cpuShare != null) {
				cpuShare = clamp(cpuShare);
			}
			return new RouteReport(route, count, count * sampleEvery,
					Duration.ofNanos((count > 0) ? this.wallNanos / count : 0),
					Duration.ofNanos(this.histogram.quantile(0.99)), cpuShare,
					(cpuShare != null) ? 1 - cpuShare : null, measuredBy);
		}

	}

	/** One pool's looks. */
	private static final class PoolStats {

		private long looksWaiting;

		private long looksWaitingWhileIdle;

		private long waitingSum;

		private int peakWaiting;

		private int peakBusy;

		private int size;

		void look(PoolGauge gauge, boolean workersIdle) {
			int waiting = gauge.waiting();
			this.size = gauge.size();
			this.peakBusy = Math.max(this.peakBusy, gauge.busy());
			this.waitingSum += waiting;
			this.peakWaiting = Math.max(this.peakWaiting, waiting);
			if (waiting > 0) {
				this.looksWaiting++;
				if (workersIdle) {
					this.looksWaitingWhileIdle++;
				}
			}
		}

		PoolReport report(PoolGauge gauge, long activeTicks) {
			double looks = Math.max(1, activeTicks);
			return new PoolReport(gauge.kind().name().toLowerCase(java.util.Locale.ROOT), gauge.name(),
					(this.size > 0) ? this.size : gauge.size(), this.peakBusy, this.looksWaiting / looks,
					this.looksWaitingWhileIdle / looks, this.waitingSum / looks, this.peakWaiting);
		}

	}

}
