package dev.workerclass.diagnostics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Finds event loops that are blocked: the reactive form of gevent's "C extension" trap, a
 * handler that blocks the loop and so every connection on it.
 * <p>
 * A daemon watchdog thread ({@code workerclass-loop-watchdog}) keeps one probe task in flight
 * on each loop: the time a probe waits for its loop is the loop's lag. A probe still waiting
 * past the threshold means the loop has been running something else that long; the watchdog
 * then takes the loop thread's stack (the thread that ran the last probe) and records a
 * blocked-loop finding, once per episode, raising its duration when the probe finally runs.
 * <p>
 * A probe can also wait because the loop's thread is not given a CPU: on a server with one core,
 * the JIT compilers of a warming JVM take it for hundreds of milliseconds. That is no blocked
 * loop, and a handler is not to blame. Where the kernel says (Linux's per-thread
 * {@code schedstat}), a loop past the threshold is looked at once more one interval later: if
 * its thread spent more of that interval waiting for a CPU than running, it was preempted, and
 * the episode is not recorded (the lag still is). A loop blocked in a call (off the CPU, not
 * waiting for one) or running one long task (on it) is recorded.
 * <p>
 * The loops are read from the supplier on every round, so loops may be added or retired while
 * it runs; a loop is known by identity. The supplier should return only loops whose threads
 * run: a probe starts the thread of a lazily started loop.
 */
public final class EventLoopDiagnostics implements AutoCloseable {

	/**
	 * How long a loop may run one thing before it counts as blocked, by default. Shorter than
	 * Vert.x's 2 s warning: a reactive server's requests share the loop, so half a second of
	 * blocking is already half a second of latency for every connection on it.
	 */
	public static final Duration DEFAULT_BLOCKED_THRESHOLD = Duration.ofMillis(500);

	/** How often each loop is probed, by default. */
	public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(100);

	/** Name of the watchdog thread. */
	public static final String WATCHDOG_THREAD_NAME = "workerclass-loop-watchdog";

	private static final Set<Finding.Kind> KINDS = EnumSet.of(Finding.Kind.BLOCKED_LOOP);

	private final Supplier<List<Executor>> loops;

	private final long blockedThresholdNanos;

	private final long probeIntervalNanos;

	private final FindingLog log;

	private final CpuWait cpuWait;

	private final BlockedLoopListener listener;

	/** Watchdog thread only. */
	private Map<Executor, Loop> states = new IdentityHashMap<>();

	// Written by the watchdog only, read by snapshot().

	private volatile List<Duration> lastLags = List.of();

	private volatile long maxLagNanos;

	private volatile long blockedEvents;

	private volatile long preemptedEvents;

	private @Nullable Ticker watchdog;

	private volatile boolean closed;

	/** With the default threshold (500 ms) and probe interval (100 ms). */
	public EventLoopDiagnostics(Supplier<List<Executor>> loops, FindingLog log) {
		this(loops, DEFAULT_BLOCKED_THRESHOLD, DEFAULT_PROBE_INTERVAL, log);
	}

	/**
	 * @param loops the loops now, each a single-threaded executor; read on every round
	 * @param blockedThreshold how long a probe may wait before its loop counts as blocked
	 * @param probeInterval how often the watchdog looks at each loop
	 * @param log where findings go
	 */
	public EventLoopDiagnostics(Supplier<List<Executor>> loops, Duration blockedThreshold, Duration probeInterval,
			FindingLog log) {
		this(loops, blockedThreshold, probeInterval, log, BlockedLoopListener.NONE);
	}

	/**
	 * As {@link #EventLoopDiagnostics(Supplier, Duration, Duration, FindingLog)}, telling
	 * {@code listener} of each blocked episode as it is found, with the loop thread's whole stack.
	 */
	public EventLoopDiagnostics(Supplier<List<Executor>> loops, Duration blockedThreshold, Duration probeInterval,
			FindingLog log, BlockedLoopListener listener) {
		this(loops, blockedThreshold, probeInterval, log, CpuWait.ofKernel(), listener);
	}

	/** With the source of the loop threads' CPU and run-queue times given: tests replace it. */
	EventLoopDiagnostics(Supplier<List<Executor>> loops, Duration blockedThreshold, Duration probeInterval,
			FindingLog log, CpuWait cpuWait) {
		this(loops, blockedThreshold, probeInterval, log, cpuWait, BlockedLoopListener.NONE);
	}

	private EventLoopDiagnostics(Supplier<List<Executor>> loops, Duration blockedThreshold, Duration probeInterval,
			FindingLog log, CpuWait cpuWait, BlockedLoopListener listener) {
		if (blockedThreshold.isNegative() || blockedThreshold.isZero()) {
			throw new IllegalArgumentException("blockedThreshold must be positive, was " + blockedThreshold);
		}
		if (probeInterval.isNegative() || probeInterval.isZero()) {
			throw new IllegalArgumentException("probeInterval must be positive, was " + probeInterval);
		}
		this.loops = Objects.requireNonNull(loops, "loops");
		this.blockedThresholdNanos = blockedThreshold.toNanos();
		this.probeIntervalNanos = probeInterval.toNanos();
		this.log = Objects.requireNonNull(log, "log");
		this.cpuWait = Objects.requireNonNull(cpuWait, "cpuWait");
		this.listener = Objects.requireNonNull(listener, "listener");
	}

	/** Starts the watchdog. */
	public synchronized void start() {
		if (this.closed) {
			throw new IllegalStateException("closed");
		}
		if (this.watchdog != null) {
			return;
		}
		this.watchdog = new Ticker(WATCHDOG_THREAD_NAME, this.probeIntervalNanos, (now) -> {
			tick(now);
			return this.probeIntervalNanos;
		});
		this.watchdog.start();
	}

	/** The lags now and the top five blocked-loop findings. */
	public EventLoopReport snapshot() {
		List<Duration> lags = this.lastLags;
		return new EventLoopReport(lags.size(), Duration.ofNanos(this.maxLagNanos), lags, this.blockedEvents,
				this.log.top(5, KINDS));
	}

	/** Loops seen past the threshold while their thread waited for a CPU: not recorded as blocked. */
	long preemptedEvents() {
		return this.preemptedEvents;
	}

	/** The watchdog thread's id, to measure its CPU time; -1 when not running. */
	synchronized long watchdogThreadId() {
		return (this.watchdog != null) ? this.watchdog.threadId() : -1;
	}

	/** Stops the watchdog and waits (briefly) for it to end. Probes in flight run and end on their loops. */
	@Override
	public void close() {
		Ticker thread;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			thread = this.watchdog;
		}
		if (thread != null) {
			thread.stop();
		}
	}

	private void tick(long now) {
		List<Executor> current = this.loops.get();
		Map<Executor, Loop> next = new IdentityHashMap<>();
		List<Duration> lags = new ArrayList<>(current.size());
		for (int i = 0; i < current.size(); i++) {
			Executor executor = current.get(i);
			if (executor == null) {
				lags.add(Duration.ZERO);
				continue;
			}
			Loop loop = next.get(executor);
			if (loop == null) {
				// A loop keeps its state across rounds (and across resizes) by identity.
				loop = this.states.remove(executor);
				if (loop == null) {
					loop = new Loop(executor);
				}
				next.put(executor, loop);
				loop.check(i, now);
			}
			lags.add(Duration.ofNanos(loop.lastLagNanos));
		}
		for (Loop retired : this.states.values()) {
			retired.retire(now);
		}
		this.states = next;
		this.lastLags = List.copyOf(lags);
	}

	/** One loop's probe and blocked episode; used by the watchdog thread only (but for the probe's fields). */
	private final class Loop {

		private final Executor executor;

		/** The thread that ran the last probe: the loop's thread. */
		private volatile @Nullable Thread thread;

		/** The kernel's id of that thread, once a probe has told it; 0 while unknown. */
		private volatile long osThreadId;

		/** The loop thread's times at the last look past the threshold in this wait; null otherwise. */
		private CpuWait.@Nullable Times pastThreshold;

		/** Whether this wait has been counted as preempted. */
		private boolean preemptedCounted;

		private @Nullable Probe outstanding;

		private long lastLagNanos;

		/** The blocked episode going on, if any. */
		private @Nullable Blocked blocked;

		private Loop(Executor executor) {
			this.executor = executor;
		}

		private void check(int index, long now) {
			Probe probe = this.outstanding;
			if (probe != null) {
				long ran = probe.ranNanos;
				if (ran != 0) {
					this.outstanding = null;
					this.pastThreshold = null;
					this.preemptedCounted = false;
					lag(ran - probe.submitNanos);
					if (this.blocked != null) {
						this.blocked.ended(ran - probe.submitNanos);
						this.blocked = null;
					}
				}
				else {
					long waited = now - probe.submitNanos;
					raiseMax(waited);
					if (waited > EventLoopDiagnostics.this.blockedThresholdNanos) {
						this.lastLagNanos = waited;
						if (this.blocked == null && !preempted()) {
							this.blocked = blocked(index, waited);
						}
					}
				}
			}
			if (this.outstanding == null && !EventLoopDiagnostics.this.closed) {
				probe = new Probe(this);
				try {
					this.executor.execute(probe);
					this.outstanding = probe;
				}
				catch (RejectedExecutionException ex) {
					// The loop is shutting down: nothing to probe.
				}
			}
		}

		/**
		 * Whether the loop, past the threshold, is waiting for a CPU rather than blocked: decided
		 * one look after it was first seen past it, from the kernel's count of the time its thread
		 * ran and waited to run in between. {@code true} also while that look is still to come.
		 * Where the kernel does not say, never.
		 */
		private boolean preempted() {
			long tid = this.osThreadId;
			CpuWait.Times now = (tid != 0) ? EventLoopDiagnostics.this.cpuWait.times(tid) : null;
			if (now == null) {
				return false;
			}
			CpuWait.Times first = this.pastThreshold;
			this.pastThreshold = now;
			if (first == null) {
				return true;
			}
			long ran = now.runNanos() - first.runNanos();
			long waitedForCpu = now.waitNanos() - first.waitNanos();
			if (waitedForCpu > ran) {
				if (!this.preemptedCounted) {
					this.preemptedCounted = true;
					EventLoopDiagnostics.this.preemptedEvents++;
				}
				return true;
			}
			return false;
		}

		/** The probe has waited past the threshold: take the loop thread's stack now, while it is blocked. */
		private Blocked blocked(int index, long waited) {
			Thread loopThread = this.thread;
			StackTraceElement[] whole = (loopThread != null) ? loopThread.getStackTrace() : new StackTraceElement[0];
			List<String> stack = Frames.of(whole);
			String site = Frames.culprit(stack);
			String prefix = "event loop " + index + ((loopThread != null) ? " (" + loopThread.getName() + ")" : "")
					+ " blocked ";
			String suffix = (site != null) ? ", at " + site : " (its thread is unknown: it has not run a probe yet)";
			Blocked episode = new Blocked(stack, prefix, suffix);
			EventLoopDiagnostics.this.log.record(Finding.Kind.BLOCKED_LOOP, prefix + "over "
					+ Frames.duration(Duration.ofNanos(waited)) + suffix, stack, Duration.ofNanos(waited));
			if (loopThread != null) {
				tell(loopThread, whole, waited);
			}
			// Counted after it is recorded (and announced), and after the listener acted on it:
			// whoever reads the count sees the finding and what was done about it.
			EventLoopDiagnostics.this.blockedEvents++;
			return episode;
		}

		private void tell(Thread loopThread, StackTraceElement[] whole, long waited) {
			try {
				EventLoopDiagnostics.this.listener.blocked(loopThread, whole, Duration.ofNanos(waited));
			}
			catch (RuntimeException ex) {
				// A listener's failure must not stop the watchdog: the loops still need watching.
				System.getLogger(EventLoopDiagnostics.class.getName())
					.log(System.Logger.Level.WARNING, "A blocked-loop listener failed", ex);
			}
		}

		private void lag(long lag) {
			this.lastLagNanos = lag;
			raiseMax(lag);
		}

		/** Gone from the supplier's list: an episode going on ends with what was seen so far. */
		private void retire(long now) {
			Probe probe = this.outstanding;
			if (this.blocked != null && probe != null) {
				this.blocked.ended(now - probe.submitNanos);
			}
		}

	}

	private void raiseMax(long lag) {
		if (lag > this.maxLagNanos) {
			this.maxLagNanos = lag;
		}
	}

	/** A blocked episode, recorded when it crossed the threshold and measured in full when it ends. */
	private final class Blocked {

		private final List<String> stack;

		private final String prefix;

		private final String suffix;

		private Blocked(List<String> stack, String prefix, String suffix) {
			this.stack = stack;
			this.prefix = prefix;
			this.suffix = suffix;
		}

		private void ended(long lag) {
			Duration duration = Duration.ofNanos(lag);
			EventLoopDiagnostics.this.log.update(Finding.Kind.BLOCKED_LOOP, this.stack,
					this.prefix + Frames.duration(duration) + this.suffix, duration);
		}

	}

	/** A task whose wait for its loop is the loop's lag; it also tells the loop's thread. */
	private static final class Probe implements Runnable {

		private final Loop loop;

		private final long submitNanos = System.nanoTime();

		private volatile long ranNanos;

		private Probe(Loop loop) {
			this.loop = loop;
		}

		@Override
		public void run() {
			Thread current = Thread.currentThread();
			if (this.loop.thread != current) {
				this.loop.thread = current;
				this.loop.osThreadId = CpuWait.currentOsThreadId();
			}
			this.ranNanos = System.nanoTime();
		}

	}

}
