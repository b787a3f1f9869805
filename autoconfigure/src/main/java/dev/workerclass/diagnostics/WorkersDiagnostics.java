package dev.workerclass.diagnostics;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The diagnostics that fit the worker class: blocked carriers under {@code virtual}, blocked
 * event loops under {@code reactive}, nothing for the platform-thread classes (a blocked platform
 * thread blocks only itself). Each new problem is logged once at WARN with its stack (a pin once
 * it recurs); the endpoint reads the reports and the meters the counts.
 * <p>
 * Whoever owns the application's life cycle calls {@link #start()} and {@link #stop()}; a stop
 * closes the watchers and a later start makes new ones. Logs through {@link System.Logger}, which
 * an application's logging framework picks up (Spring Boot bridges it to its own).
 */
public final class WorkersDiagnostics {

	private static final System.Logger logger = System.getLogger(WorkersDiagnostics.class.getName());

	private final @Nullable Supplier<VirtualThreadDiagnostics> newVirtualThreads;

	private final @Nullable Supplier<EventLoopDiagnostics> newEventLoops;

	// Made anew at each start: a stopped context (the test framework's context cache stops one
	// that another test class displaced, and restarts it later) starts watching again.
	private volatile @Nullable VirtualThreadDiagnostics virtualThreads;

	private volatile @Nullable EventLoopDiagnostics eventLoops;

	private volatile boolean running;

	private boolean stopped;

	private WorkersDiagnostics(@Nullable Supplier<VirtualThreadDiagnostics> newVirtualThreads,
			@Nullable Supplier<EventLoopDiagnostics> newEventLoops) {
		this.newVirtualThreads = newVirtualThreads;
		this.newEventLoops = newEventLoops;
		this.virtualThreads = (newVirtualThreads != null) ? newVirtualThreads.get() : null;
		this.eventLoops = (newEventLoops != null) ? newEventLoops.get() : null;
	}

	/** Nothing to watch (the platform-thread classes, diagnostics off, or engines the starter does not run). */
	public static WorkersDiagnostics none() {
		return new WorkersDiagnostics(null, null);
	}

	/** Blocked carriers under {@code virtual}; {@code diagnostics} makes a new watcher for each start. */
	public static WorkersDiagnostics virtualThreads(Supplier<VirtualThreadDiagnostics> diagnostics) {
		return new WorkersDiagnostics(diagnostics, null);
	}

	/** Blocked event loops under {@code reactive}; {@code diagnostics} makes a new watcher for each start. */
	public static WorkersDiagnostics eventLoops(Supplier<EventLoopDiagnostics> diagnostics) {
		return new WorkersDiagnostics(null, diagnostics);
	}

	/**
	 * Logs a problem once, when it is first worth reporting (a pin: when its stack pins again),
	 * with the frames that name its cause.
	 */
	public static void logNew(Finding finding) {
		StringBuilder message = new StringBuilder(finding.summary());
		for (String frame : finding.stack()) {
			message.append("\n\tat ").append(frame);
		}
		if (finding.kind() == Finding.Kind.BLOCKED_LOOP) {
			message.append("\nMove the blocking call off the event loop: return a plain value (it then runs on the"
					+ " offload pool) or mark the method @Blocking.");
		}
		else if (finding.kind() != Finding.Kind.CARRIER_STARVATION) {
			message.append("\nA virtual thread that blocks its carrier serializes the server: mark the handler"
					+ " @Blocking to run it on the offload pool.");
		}
		logger.log(Level.WARNING, message.toString());
	}

	/** Starts watching; a no-op while running. */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		if (this.stopped) {
			// A stop closed the watchers for good; a restart gets new ones.
			this.virtualThreads = (this.newVirtualThreads != null) ? this.newVirtualThreads.get() : null;
			this.eventLoops = (this.newEventLoops != null) ? this.newEventLoops.get() : null;
			this.stopped = false;
		}
		if (this.virtualThreads != null) {
			this.virtualThreads.start();
			this.virtualThreads.jfrProblem()
				.ifPresent((problem) -> logger.log(Level.WARNING, "Pinning diagnostics run without JFR: " + problem));
		}
		if (this.eventLoops != null) {
			this.eventLoops.start();
		}
		this.running = true;
	}

	/** Stops watching and closes the watchers; a later {@link #start()} watches with new ones. */
	public synchronized void stop() {
		if (this.virtualThreads != null) {
			this.virtualThreads.close();
		}
		if (this.eventLoops != null) {
			this.eventLoops.close();
		}
		this.stopped = true;
		this.running = false;
	}

	/** Whether the watchers run (between {@link #start()} and {@link #stop()}). */
	public boolean isRunning() {
		return this.running;
	}

	/** Whether blocked carriers are watched (virtual). */
	public boolean watchesVirtualThreads() {
		return this.virtualThreads != null;
	}

	/** Whether blocked event loops are watched (reactive). */
	public boolean watchesEventLoops() {
		return this.eventLoops != null;
	}

	/** Virtual threads that parked while pinned (JFR {@code jdk.VirtualThreadPinned}). */
	public long pinned() {
		return (this.virtualThreads != null) ? this.virtualThreads.snapshot().pinnedEvents() : 0;
	}

	/** Times every carrier was blocked longer than the threshold. */
	public long carrierStarvation() {
		return (this.virtualThreads != null) ? this.virtualThreads.snapshot().starvationEvents() : 0;
	}

	/** Times an event loop ran one task longer than the threshold. */
	public long blockedLoops() {
		return (this.eventLoops != null) ? this.eventLoops.snapshot().blockedEvents() : 0;
	}

	/** What the blocked-carrier watch saw so far; empty when carriers are not watched. */
	public Optional<VirtualThreadReport> virtualThreadReport() {
		VirtualThreadDiagnostics diagnostics = this.virtualThreads;
		return (diagnostics != null) ? Optional.of(diagnostics.snapshot()) : Optional.empty();
	}

	/** What the blocked-loop watch saw so far; empty when event loops are not watched. */
	public Optional<EventLoopReport> eventLoopReport() {
		EventLoopDiagnostics diagnostics = this.eventLoops;
		return (diagnostics != null) ? Optional.of(diagnostics.snapshot()) : Optional.empty();
	}

}
