package dev.workerclass.offload;

import java.lang.System.Logger.Level;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.workerclass.diagnostics.BlockedLoopListener;
import dev.workerclass.diagnostics.CpuWait;
import org.jspecify.annotations.Nullable;

/**
 * {@code server.offload=auto}: each blocking-style handler method of a reactive app starts on the
 * offload pool, is measured there, and runs on the event loop once it has shown that it does not
 * wait; if the loop watchdog ever finds it blocking a loop, it goes back to the offload pool for
 * good, logged once with the stack. Handlers that return {@code Mono}, {@code Flux} and the like
 * are not its business (they run on the loop, as in plain WebFlux), nor are {@code @Blocking}
 * ones (always offloaded).
 * <p>
 * <b>Measuring.</b> While a method learns, each of its calls is timed on the offload thread that
 * runs it: wall time, the thread's CPU time, the kernel's count of the time it waited for a core
 * (Linux {@code schedstat}) and of the times it gave up its core by itself (blocked, parked,
 * slept: {@code voluntary_ctxt_switches}). A call that gave up its core waited for what is left
 * of its wall time; one that did not waited for nothing, however long it took: the time it lost
 * went to other threads, or to other machines on a shared host, whose hypervisor takes the core
 * without the kernel seeing it (elsewhere than on Linux all of it counts as waiting). A call
 * during which the JVM collected garbage is not counted: the collector stopped every thread that
 * was running then, not the handler, and under load it stops several calls at once. The first
 * tenth of the calls are not counted either: they load classes and run interpreted code. A
 * method goes to the loop after {@value #DEFAULT_LEARNING_CALLS} calls in which it ran for at
 * most a millisecond a call on average (longer, on the loop, would hold every connection on it),
 * waited at most {@value #MAX_WAITING_PERCENT}% of its time, and at most
 * {@value #MAX_WAITING_CALLS_PERCENT}% of its calls (or one) waited over a millisecond: a page
 * fault now and then is no handler's doing, so when one call only waited that long, its wait is
 * left out of the share too. A method most of whose calls waited stays on the offload pool,
 * decided. One that waited in a few calls, or runs long, stays there too, but is measured again
 * after {@value #PAUSE_CALLS} more calls, then twice as many, and so on: a young JVM's calls run
 * before the JIT compiled them and wait now and then (loading classes, for a lock a preempted JIT
 * thread holds), and that passes. {@value #WAITING_WINDOWS} windows that find it waiting in a few
 * calls decide it too, once its CPU time a call has settled (it fell by under a quarter from the
 * window before: the JIT is done with it). The reasons are in {@link #report()}.
 * <p>
 * <b>Which call is whose.</b> Spring's adapter asks {@link #offloads(Method)} on the loop thread
 * (twice a request: for the invocation's scheduler, then the subscription's) and, in the same
 * call, subscribes on the offload executor ({@link #executor(Executor)}); that hand-over carries
 * the method, and is where a call is counted. The task then runs the model's set-up and resolves the
 * arguments, and hands the invocation on (a second hand-over, run at once on the same thread by
 * the offload pool), so one measured task holds the whole call. A method whose arguments arrive
 * later (a request body, a form) is invoked from the thread that delivers them, not inside the
 * measured task: such calls are counted as not seen, and a method seen only so stays on the
 * offload pool.
 */
public final class AutoOffload implements BlockedLoopListener {

	/** Calls measured before a method is decided. */
	public static final int DEFAULT_LEARNING_CALLS = 100;

	/** The most of its time a method may wait off the CPU and still go to the loop, in percent. */
	static final int MAX_WAITING_PERCENT = 10;

	/** The most of its calls that may wait over a millisecond, in percent. */
	static final int MAX_WAITING_CALLS_PERCENT = 2;

	private static final long WAITING_CALL_NANOS = Duration.ofMillis(1).toNanos();

	private static final long MAX_MEAN_RUN_NANOS = Duration.ofMillis(1).toNanos();

	/** Windows, its CPU time settled, that find a method waiting in a few of its calls before that is decided. */
	static final int WAITING_WINDOWS = 3;

	/** Calls let pass, unmeasured, after the first window that finds a handler long; doubled after each. */
	static final int PAUSE_CALLS = DEFAULT_LEARNING_CALLS;

	private static final System.Logger logger = System.getLogger(AutoOffload.class.getName());

	private final Map<Method, Route> routes = new ConcurrentHashMap<>();

	private final Function<Method, String> names;

	private final int learningCalls;

	private final ThreadTimes times;

	/** Set by {@link #offloads(Method)} on the loop thread, taken by the hand-over that follows it. */
	private final ThreadLocal<@Nullable Route> handedOver = new ThreadLocal<>();

	/** The measured task running on this (offload) thread. */
	private final ThreadLocal<@Nullable Measured> running = new ThreadLocal<>();

	/**
	 * @param names the route a method serves, as the endpoint shows it ({@code GET /todos})
	 */
	public AutoOffload(Function<Method, String> names) {
		this(names, DEFAULT_LEARNING_CALLS, ThreadTimes.ofThisJvm());
	}

	AutoOffload(Function<Method, String> names, int learningCalls, ThreadTimes times) {
		if (learningCalls < 1) {
			throw new IllegalArgumentException("learningCalls must be positive, was " + learningCalls);
		}
		this.names = names;
		this.learningCalls = learningCalls;
		this.times = times;
	}

	/**
	 * The placement of a blocking-style handler method, kept by the caller and asked per request:
	 * measured first on the offload pool, then wherever it was decided.
	 */
	public Route route(Method method) {
		return this.routes.computeIfAbsent(method, (key) -> new Route(key, this.names.apply(key)));
	}

	/** As {@code route(method).offloads()}, with the route looked up: for callers that keep none. */
	public boolean offloads(Method method) {
		Route route = this.routes.get(method);
		return ((route != null) ? route : route(method)).offloads();
	}

	/** An offloaded call this class does not decide ({@code @Blocking}): nothing is measured. */
	public boolean offloadsUnmeasured() {
		this.handedOver.set(null);
		return true;
	}

	/** The executor Spring hands blocking-style calls to: {@code offload}, measuring the calls of learning methods. */
	public Executor executor(Executor offload) {
		return (task) -> execute(offload, task);
	}

	private void execute(Executor offload, Runnable task) {
		Route route = this.handedOver.get();
		if (route != null) {
			this.handedOver.set(null);
			// Counted here, once a call: Spring asks offloads() twice a request.
			offload.execute(route.paused() ? task : new Measured(route, task));
			return;
		}
		Measured outer = this.running.get();
		if (outer != null) {
			// The invocation handed on from inside a measured task: the task holds the whole call.
			outer.handedOn = true;
		}
		offload.execute(task);
	}

	/**
	 * The loop watchdog found a loop blocked: a method running on the loops whose frame is on the
	 * stack goes back to the offload pool, for good.
	 */
	@Override
	public void blocked(Thread loop, StackTraceElement[] stack, Duration waited) {
		for (Route route : this.routes.values()) {
			if (route.mode == Mode.LOOP && route.isOn(stack)) {
				route.backOff(loop, stack, waited);
			}
		}
	}

	/** Every method seen so far, with where it runs and why; routes first by name. */
	public List<OffloadRoute> report() {
		List<OffloadRoute> report = new ArrayList<>(this.routes.size());
		for (Route route : this.routes.values()) {
			report.add(route.report());
		}
		report.sort(Comparator.comparing(OffloadRoute::route).thenComparing(OffloadRoute::handler));
		return report;
	}

	/** The calls a method is measured for before it is decided. */
	public int learningCalls() {
		return this.learningCalls;
	}

	enum Mode {

		LEARNING, LOOP, OFFLOAD

	}

	/** One handler method: where it runs, and its measurement while it learns. */
	public final class Route {

		private final Method method;

		private final String name;

		private volatile Mode mode = Mode.LEARNING;

		private volatile @Nullable String reason;

		// Guarded by this; written while learning only.

		private long calls;

		private long unseen;

		/** Calls left out because the JVM collected garbage during them. */
		private long collected;

		/** Calls to let pass unmeasured before the next window, after one found it long. */
		private final AtomicLong resumeAfter = new AtomicLong();

		/** The pause after the next window that finds it long. */
		private long pause = PAUSE_CALLS;

		/** Calls left before measuring starts: the first ones load classes and run interpreted code. */
		private long warmUp = Math.max(1, AutoOffload.this.learningCalls / 10);

		private long wallNanos;

		private long runNanos;

		private long waitingNanos;

		private long waitingCalls;

		/** Calls that waited more than {@value #MAX_WAITING_PERCENT}% of their own time. */
		private long waitedCalls;

		/** Windows that found it waiting in a few calls, not most, with its CPU time settled. */
		private int waitingWindows;

		/** The CPU time a call of the last window, in nanoseconds; 0 before the first. */
		private long previousMeanRun;

		/** The longest wait of a call, and that call's wall time: the one long wait allowed. */
		private long longestWaitNanos;

		private long longestWaitWallNanos;

		private Route(Method method, String name) {
			this.method = method;
			this.name = name;
		}

		/**
		 * Whether its call runs on the offload pool for this request; asked on the event loop, for
		 * every request, right before Spring hands the call over.
		 */
		public boolean offloads() {
			Mode now = this.mode;
			if (now == Mode.LOOP) {
				return false;
			}
			// Always set, never left over: the next hand-over on this thread is this request's.
			AutoOffload.this.handedOver.set((now == Mode.LEARNING) ? this : null);
			return true;
		}

		/**
		 * @param parked whether the thread gave up its core by itself during the call (or this is
		 * not known): only then is the wall time it spent off the CPU its own waiting
		 * @param collected whether the JVM collected garbage during the call
		 * @param run the call's time on a CPU
		 * @param readRun that and what reading the kernel's times cost: the CPU time within the wall time
		 */
		private synchronized void measured(long wall, long run, long readRun, long queued, boolean parked,
				boolean collected, boolean seen) {
			if (this.mode != Mode.LEARNING) {
				return;
			}
			if (seen && collected) {
				this.collected++;
				return;
			}
			if (seen && this.warmUp > 0) {
				this.warmUp--;
				return;
			}
			if (!seen) {
				if (++this.unseen >= AutoOffload.this.learningCalls && this.calls == 0) {
					decide(Mode.OFFLOAD, "its arguments arrive after it is handed over (a request body or a form),"
							+ " so its own run is not measured: it stays on the offload pool");
				}
				return;
			}
			long waiting = parked ? Math.max(0, wall - readRun - queued) : 0;
			this.calls++;
			this.wallNanos += wall;
			this.runNanos += run;
			this.waitingNanos += waiting;
			if (waiting > WAITING_CALL_NANOS) {
				this.waitingCalls++;
			}
			if (waiting * 100 > wall * MAX_WAITING_PERCENT) {
				this.waitedCalls++;
			}
			if (waiting > this.longestWaitNanos) {
				this.longestWaitNanos = waiting;
				this.longestWaitWallNanos = wall;
			}
			if (this.calls >= AutoOffload.this.learningCalls) {
				decide();
			}
		}

		/** Whether this call passes unmeasured, in the pause after a window that found it long. */
		private boolean paused() {
			return this.resumeAfter.get() > 0 && this.resumeAfter.getAndDecrement() > 0;
		}

		private synchronized void unmeasurable() {
			if (this.mode == Mode.LEARNING) {
				decide(Mode.OFFLOAD, "this JVM does not tell a thread's CPU time, so whether it waits is not known:"
						+ " it stays on the offload pool");
			}
		}

		/** Guarded by this. */
		private void decide() {
			double waitingShare = waitingShare();
			double waitingCalls = share(this.waitingCalls, this.calls);
			long meanRun = this.runNanos / this.calls;
			String measured = this.calls + " calls: waiting " + percent(waitingShare) + " of the time"
					+ ((this.waitingCalls == 1) ? " besides its one long wait" : "") + ", " + this.waitedCalls
					+ " of them waited, " + this.waitingCalls + " over 1 ms, " + micros(meanRun) + " on the CPU a call";
			// One long wait is allowed whatever the count: a page fault is no handler's doing.
			boolean waits = waitingShare * 100 > MAX_WAITING_PERCENT
					|| (this.waitingCalls > 1 && waitingCalls * 100 > MAX_WAITING_CALLS_PERCENT);
			boolean runsLong = meanRun > MAX_MEAN_RUN_NANOS;
			// Settled: the JIT no longer makes it much faster from one window to the next, so the
			// waits of this window are no young JVM's.
			boolean settled = this.previousMeanRun > 0 && meanRun * 4 >= this.previousMeanRun * 3;
			this.previousMeanRun = meanRun;
			if (waits && (this.waitedCalls * 2 > this.calls || (settled && ++this.waitingWindows >= WAITING_WINDOWS))) {
				decide(Mode.OFFLOAD, "it waits (" + measured
						+ ((this.waitedCalls * 2 > this.calls) ? "" : "; in " + WAITING_WINDOWS + " windows of calls")
						+ "): it stays on the offload pool");
			}
			else if (waits || runsLong) {
				// Not for good: a young JVM's calls run before the JIT compiled them, so a handler
				// long then may be short later, and wait now and then (loading classes, for a lock
				// a preempted JIT thread holds), so a few waits may be gone later. Most calls
				// waiting is none of that: decided above. Looked at again after ever more calls,
				// so a handler that stays long costs ever less to measure.
				this.resumeAfter.set(this.pause);
				this.reason = waits
						? "it waited in a few calls (" + measured + "): it stays on the offload pool; measured again"
								+ " after " + this.pause + " more calls (a young JVM's calls wait now and then)"
						: "it runs long (" + measured + "): on the event loop it would hold every connection on"
								+ " that loop, so it stays on the offload pool; measured again after " + this.pause
								+ " more calls";
				this.pause *= 2;
				this.calls = 0;
				this.wallNanos = 0;
				this.runNanos = 0;
				this.waitingNanos = 0;
				this.waitingCalls = 0;
				this.waitedCalls = 0;
				this.longestWaitNanos = 0;
				this.longestWaitWallNanos = 0;
			}
			else {
				decide(Mode.LOOP, "it does not wait (" + measured + "): it runs on the event loop");
				logger.log(Level.INFO, () -> this.name + " (" + handler() + ") " + this.reason);
			}
		}

		/**
		 * The share of its time the method waited; guarded by this. The one call allowed to wait
		 * over a millisecond is left out: 2 ms of a GC pause in 100 calls of 100 µs would make
		 * the share 17%.
		 */
		private double waitingShare() {
			if (this.waitingCalls == 1) {
				return share(this.waitingNanos - this.longestWaitNanos, this.wallNanos - this.longestWaitWallNanos);
			}
			return share(this.waitingNanos, this.wallNanos);
		}

		private void decide(Mode decided, String why) {
			this.reason = why;
			this.mode = decided;
		}

		private boolean isOn(StackTraceElement[] stack) {
			String type = this.method.getDeclaringClass().getName();
			for (StackTraceElement frame : stack) {
				if (frame.getMethodName().equals(this.method.getName()) && frame.getClassName().equals(type)) {
					return true;
				}
			}
			return false;
		}

		private synchronized void backOff(Thread loop, StackTraceElement[] stack, Duration waited) {
			if (this.mode != Mode.LOOP) {
				return;
			}
			decide(Mode.OFFLOAD, "it blocked event loop " + loop.getName() + " for over " + waited.toMillis()
					+ " ms: it runs on the offload pool from now on");
			StringBuilder message = new StringBuilder(this.name).append(" (").append(handler()).append(") ")
				.append(this.reason);
			for (int i = 0; i < stack.length && i < 24; i++) {
				message.append("\n\tat ").append(stack[i]);
			}
			logger.log(Level.WARNING, message.toString());
		}

		private String handler() {
			return this.method.getDeclaringClass().getSimpleName() + "#" + this.method.getName();
		}

		private synchronized OffloadRoute report() {
			Mode now = this.mode;
			String why = this.reason;
			if (now == Mode.LEARNING && why == null) {
				why = "learning: " + this.calls + " of " + AutoOffload.this.learningCalls + " calls measured"
						+ ((this.unseen > 0) ? " (" + this.unseen + " not seen whole)" : "")
						+ ((this.collected > 0) ? " (" + this.collected + " left out: the JVM collected garbage)" : "");
			}
			return new OffloadRoute(this.name, handler(),
					(now == Mode.LOOP) ? OffloadRoute.EVENT_LOOP : OffloadRoute.OFFLOAD_POOL, now != Mode.LEARNING,
					this.calls, (this.calls > 0) ? this.wallNanos / this.calls / 1000.0 : null,
					(this.calls > 0) ? waitingShare() : null, (why != null) ? why : "");
		}

	}

	/** A handed-over call of a learning method, timed on the thread that runs it. */
	private final class Measured implements Runnable {

		private final Route route;

		private final Runnable task;

		/** Whether the invocation was handed on from inside this task (so it ran inside it). */
		private boolean handedOn;

		private Measured(Route route, Runnable task) {
			this.route = route;
			this.task = task;
		}

		@Override
		public void run() {
			ThreadTimes.Reading start = AutoOffload.this.times.now(false);
			Measured outer = AutoOffload.this.running.get();
			AutoOffload.this.running.set(this);
			try {
				this.task.run();
			}
			finally {
				AutoOffload.this.running.set(outer);
				ThreadTimes.Reading end = AutoOffload.this.times.now(true);
				if (start != null && end != null) {
					boolean parked = start.switches() < 0 || end.switches() < 0 || end.switches() > start.switches();
					this.route.measured(end.wallNanos() - start.wallNanos(), end.runNanos() - start.runNanos(),
							end.readRunNanos() - start.readRunNanos(), end.queuedNanos() - start.queuedNanos(), parked,
							end.collections() != start.collections(), this.handedOn);
				}
				else {
					this.route.unmeasurable();
				}
			}
		}

	}

	private static double share(long part, long whole) {
		return (whole > 0) ? (double) part / whole : 0;
	}

	private static String percent(double share) {
		return String.format(Locale.ROOT, "%.1f%%", share * 100);
	}

	private static String micros(long nanos) {
		return String.format(Locale.ROOT, "%.0f µs", nanos / 1000.0);
	}

	/** How long the calling thread has run on a CPU and waited for one. */
	@FunctionalInterface
	interface ThreadTimes {

		/**
		 * Now, or {@code null} if this JVM cannot tell.
		 * @param ending whether this reading ends a measurement rather than starts one: the
		 * readings are taken in the opposite order
		 */
		@Nullable Reading now(boolean ending);

		/**
		 * The JVM's CPU time of the thread (exact to the call: the kernel's {@code schedstat} run
		 * time lags a running thread by up to a scheduler tick), with the kernel's run-queue wait
		 * and count of voluntary switches where it gives them (both current while the thread
		 * runs) and the JVM's count of garbage collections; nothing where the JVM does not
		 * measure thread CPU time.
		 */
		static ThreadTimes ofThisJvm() {
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			if (!threads.isCurrentThreadCpuTimeSupported()) {
				return (ending) -> null;
			}
			boolean kernel = CpuWait.ofCurrentThread() != null;
			boolean switches = CpuWait.voluntarySwitchesOfCurrentThread() >= 0;
			List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
			return (ending) -> {
				// Each window holds the next: collections and voluntary switches, wall clock, CPU
				// time with the run-queue read, run-queue wait, CPU time of the call. Wall time is
				// compared with the CPU and run-queue times inside it: what the status read costs
				// falls outside all three, what the run-queue read costs is in the outer CPU time.
				long collections = ending ? 0 : collections(collectors);
				long parks = (switches && !ending) ? CpuWait.voluntarySwitchesOfCurrentThread() : -1;
				long wall = ending ? 0 : System.nanoTime();
				long outer = ending ? 0 : threads.getCurrentThreadCpuTime();
				CpuWait.Times times = (kernel && !ending) ? CpuWait.ofCurrentThread() : null;
				long cpu = threads.getCurrentThreadCpuTime();
				if (ending) {
					times = kernel ? CpuWait.ofCurrentThread() : null;
					outer = threads.getCurrentThreadCpuTime();
					wall = System.nanoTime();
					parks = switches ? CpuWait.voluntarySwitchesOfCurrentThread() : -1;
					collections = collections(collectors);
				}
				return (cpu >= 0 && outer >= 0)
						? new Reading(wall, outer, cpu, (times != null) ? times.waitNanos() : 0, parks, collections)
						: null;
			};
		}

		/** Collections so far by every collector of this JVM (those that do not count, -1, left out). */
		private static long collections(List<GarbageCollectorMXBean> collectors) {
			long total = 0;
			for (GarbageCollectorMXBean collector : collectors) {
				total += Math.max(0, collector.getCollectionCount());
			}
			return total;
		}

		/**
		 * @param wallNanos {@link System#nanoTime()}
		 * @param readRunNanos time on a CPU, read just inside the wall clock (what reading the
		 * run-queue wait costs is inside it)
		 * @param runNanos time on a CPU, read nearest the call
		 * @param queuedNanos time ready to run, waiting for a CPU
		 * @param switches times the thread gave up its CPU by itself, or -1 if not known
		 * @param collections garbage collections of the JVM so far
		 */
		record Reading(long wallNanos, long readRunNanos, long runNanos, long queuedNanos, long switches,
				long collections) {
		}

	}

}
