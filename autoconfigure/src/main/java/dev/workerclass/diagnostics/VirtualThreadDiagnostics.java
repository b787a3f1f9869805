package dev.workerclass.diagnostics;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;
import org.jspecify.annotations.Nullable;

/**
 * Finds what blocks the carriers of virtual threads: gevent's "C extension" trap in Java.
 * <p>
 * Two signals. JFR {@code jdk.VirtualThreadPinned}, streamed in-process, reports a virtual
 * thread that parks while pinned (a class initializer, an FFM upcall, {@code synchronized}
 * before JDK 24). It says nothing about a call that simply blocks in C (JNI, or an FFM
 * downcall such as libc {@code sleep}): that virtual thread never parks. So a probe also
 * measures scheduler lag, how late a tiny virtual thread starts running; when it starts later
 * than the threshold, every carrier was busy or blocked, and the episode is explained with JFR
 * {@code jdk.NativeMethodSample} stacks of virtual threads taken during it (application JNI
 * methods and FFM downcalls only: the JDK's own native methods are short or compensated).
 * <p>
 * What runs all the time is cheap: the probe, and a JFR stream with only the pinned event, which
 * costs nothing until a virtual thread parks pinned past {@value #PINNED_THRESHOLD_MILLIS} ms.
 * The probe's virtual thread is woken only when it could be late: when the scheduler says every
 * carrier is taken or virtual threads are queued ({@link CarrierLoad}), and otherwise once every
 * {@link #PROBE_AT_LEAST} so that the last lag stays current. A probe woken with a free carrier
 * runs at once and measures nothing, yet waking it (a scheduler submit, a carrier's wake-up and
 * park) was most of what the diagnostics cost a server with nothing wrong. For the same reason
 * the probing thread looks every probe interval only while carriers are busy or an episode is
 * open, and every {@link #QUIET_INTERVAL} while they are free: each look is a timed wake-up.
 * A late probe is starvation only if the carriers were stuck: a wait during which a carrier was
 * seen free, or requests kept finishing, is dropped (see {@link #voidProbe()}).
 * Native-method sampling walks the stack of every thread in native code every
 * {@value #NATIVE_SAMPLE_MILLIS} ms and has the stream parse each sample, a cost per second that a
 * server under steady load paid for nothing; so it is switched on only while a probe is seen
 * waiting past the threshold, and off again {@link #SAMPLING_LINGER} after that was last seen (and
 * once the episodes seen are explained). A blocking native call long enough to matter is still
 * sampled: it keeps the carriers starved after the probe notices. A probe that merely ran late
 * does not start sampling: the stall it measured is over, so samples taken from then on could not
 * explain it.
 * <p>
 * A pin is announced (logged at WARN) only when the same stack pins again: a virtual thread pinned
 * once while a class initializes during warm-up is counted and listed, not reported.
 * <p>
 * JFR streams with a delay (it flushes about once a second), so a starvation episode is
 * explained only after two flushes have passed since it ended: by then every sample taken
 * during it has been delivered.
 * <p>
 * Threads: one daemon platform thread ({@code workerclass-vthread-probe}) that probes and
 * attributes, the JFR stream's thread, and one long-lived virtual thread that the probe wakes.
 * {@link #close()} stops them.
 */
public final class VirtualThreadDiagnostics implements AutoCloseable {

	/** Scheduler lag past which carriers count as starved, by default. */
	public static final Duration DEFAULT_LAG_THRESHOLD = Duration.ofMillis(100);

	/**
	 * How often the probe looks while carriers are busy, by default: as often as the default
	 * threshold, so that a stall of twice the threshold is always seen (a probe is woken while it
	 * lasts and waits past the threshold) and a shorter one by chance.
	 */
	public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(100);

	/** Name of the probing platform thread. */
	public static final String PROBE_THREAD_NAME = "workerclass-vthread-probe";

	static final long PINNED_THRESHOLD_MILLIS = 20;

	/** Pinned parks shorter than this are not reported. */
	static final Duration PINNED_THRESHOLD = Duration.ofMillis(PINNED_THRESHOLD_MILLIS);

	static final long NATIVE_SAMPLE_MILLIS = 20;

	/** How often JFR samples a thread in native code, while it samples. */
	static final Duration NATIVE_SAMPLE_PERIOD = Duration.ofMillis(NATIVE_SAMPLE_MILLIS);

	/**
	 * How long native-method sampling stays on after the probe was last seen starved: long enough
	 * to catch a short stall that recurs, short enough that a stall during warm-up (JIT compilers
	 * competing for the CPU, say) is not paid for through the steady load after it.
	 */
	static final Duration SAMPLING_LINGER = Duration.ofSeconds(5);

	/**
	 * How long the probe sleeps after a look that found a free carrier and nothing queued (when
	 * the scheduler's counts are known): a stall of this plus the threshold is always seen.
	 */
	static final Duration QUIET_INTERVAL = Duration.ofMillis(250);

	/** A probe is woken at least this often, even when the scheduler has a free carrier. */
	static final Duration PROBE_AT_LEAST = Duration.ofSeconds(5);

	/** Occurrences of one pinned stack that make it a finding worth a WARN. */
	static final int PIN_RECURS = 2;

	private static final Set<Finding.Kind> KINDS = EnumSet.of(Finding.Kind.PINNED, Finding.Kind.NATIVE_CALL,
			Finding.Kind.CARRIER_STARVATION);

	/** JFR flushes to wait after an episode ends before explaining it. */
	private static final int SETTLE_FLUSHES = 2;

	/** Explain an episode after this long even if JFR has not flushed twice (a stalled stream). */
	private static final long SETTLE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

	/** Explain an episode still going on after this long, without waiting for its end. */
	private static final long INTERIM_NANOS = TimeUnit.SECONDS.toNanos(5);

	/** JFR and probe clocks differ a little: widen episodes by this when matching samples. */
	private static final Duration SLACK = Duration.ofMillis(50);

	private static final int MAX_SAMPLES = 1024;

	private static final int MAX_PINS = 256;

	private static final Duration KEEP = Duration.ofSeconds(60);

	private final long lagThresholdNanos;

	private final long probeIntervalNanos;

	private final long quietIntervalNanos;

	private final FindingLog log;

	/** Native-method samples of virtual threads, oldest first; guarded by itself. */
	private final ArrayDeque<NativeSample> samples = new ArrayDeque<>();

	/** Recent pinned parks, to tell a starvation episode they explain; guarded by itself. */
	private final ArrayDeque<Interval> pins = new ArrayDeque<>();

	private final AtomicLong flushes = new AtomicLong();

	private final AtomicLong pinnedEvents = new AtomicLong();

	// Written by the probe thread only, read by snapshot().

	private volatile long starvationEvents;

	private volatile long nativeCalls;

	private volatile long probes;

	private volatile long maxLagNanos;

	private volatile long lastLagNanos;

	// Probe thread only.

	/** Whether a probe is in flight: the probe virtual thread was woken and has not run yet. */
	private boolean outstanding;

	private long outstandingSubmitNanos;

	/** Until when native-method sampling stays on ({@link System#nanoTime()}); meaningful while sampling. */
	private long samplingUntilNanos;

	private volatile boolean sampling;

	private @Nullable Episode episode;

	private final List<Episode> settling = new ArrayList<>();

	/** Makes a probe: a new one replaces a probe left waiting while a carrier was free. */
	private final Supplier<LagProbe> probeFactory;

	private volatile LagProbe probe;

	/** Whether a look during the wait of the probe in flight saw a free carrier. */
	private boolean freeCarrierSeen;

	/** Work finished on virtual threads so far (requests served); {@code null} when not known. */
	private final @Nullable LongSupplier progress;

	/** {@link #progress} when the probe in flight was woken, and at the last look since. */
	private long progressAtWake;

	private long progressAtLook;

	/** Probes given up because they waited while a carrier was free (probe thread only, read by tests). */
	private volatile long voidedProbes;

	private final CarrierLoad carriers;

	// Lifecycle, guarded by this.

	private @Nullable Ticker prober;

	private @Nullable JfrFeed feed;

	private volatile @Nullable String jfrProblem;

	private volatile boolean closed;

	/** With the default threshold (100 ms) and probe interval (100 ms). */
	public VirtualThreadDiagnostics(FindingLog log) {
		this(DEFAULT_LAG_THRESHOLD, DEFAULT_PROBE_INTERVAL, log);
	}

	public VirtualThreadDiagnostics(Duration lagThreshold, Duration probeInterval, FindingLog log) {
		this(lagThreshold, probeInterval, log, null);
	}

	/**
	 * With a count of work that virtual threads finish (the requests served): a probe that waits
	 * while that count moves is not waiting for a carrier, since carriers are running that work.
	 */
	public VirtualThreadDiagnostics(Duration lagThreshold, Duration probeInterval, FindingLog log,
			@Nullable LongSupplier progress) {
		this(lagThreshold, probeInterval, log, progress, CarrierLoad.ofScheduler(), Probe::new);
	}

	/** With the scheduler's counts and the probe given: tests replace them. */
	VirtualThreadDiagnostics(Duration lagThreshold, Duration probeInterval, FindingLog log,
			@Nullable LongSupplier progress, CarrierLoad carriers, Supplier<LagProbe> probes) {
		if (lagThreshold.isNegative() || lagThreshold.isZero()) {
			throw new IllegalArgumentException("lagThreshold must be positive, was " + lagThreshold);
		}
		if (probeInterval.isNegative() || probeInterval.isZero()) {
			throw new IllegalArgumentException("probeInterval must be positive, was " + probeInterval);
		}
		this.lagThresholdNanos = lagThreshold.toNanos();
		this.probeIntervalNanos = probeInterval.toNanos();
		this.quietIntervalNanos = Math.max(this.probeIntervalNanos, QUIET_INTERVAL.toNanos());
		this.log = Objects.requireNonNull(log, "log");
		this.progress = progress;
		this.carriers = Objects.requireNonNull(carriers, "carriers");
		this.probeFactory = Objects.requireNonNull(probes, "probes");
		this.probe = probes.get();
		// As if the last probe were long ago: the first look wakes one.
		this.outstandingSubmitNanos = System.nanoTime() - PROBE_AT_LEAST.toNanos() - 1;
	}

	/**
	 * Starts the JFR stream and the probe. Without JFR (a runtime image without
	 * {@code jdk.jfr}, or JFR disabled) the probe still counts starvation, unexplained; see
	 * {@link #jfrProblem()}.
	 */
	public synchronized void start() {
		if (this.closed) {
			throw new IllegalStateException("closed");
		}
		if (this.prober != null) {
			return;
		}
		try {
			this.feed = new JfrFeed();
		}
		catch (RuntimeException | LinkageError ex) {
			this.jfrProblem = "JFR streaming is not available (" + ex + "); pinning is not reported and "
					+ "carrier starvation is not explained";
		}
		this.probe.start();
		this.prober = new Ticker(PROBE_THREAD_NAME, this.probeIntervalNanos, this::tick);
		this.prober.start();
	}

	/** Whether the probe is woken only when the scheduler has no free carrier (JDK 24 and later). */
	public boolean probesOnlyBusyCarriers() {
		return this.carriers.known();
	}

	/** Whether JFR samples native methods now: only while the probe is seen starved, and a few seconds after. */
	public boolean nativeSampling() {
		return this.sampling;
	}

	/** Why JFR is not used, when it could not be started; empty when it runs (or before start). */
	public Optional<String> jfrProblem() {
		return Optional.ofNullable(this.jfrProblem);
	}

	/** The counters now and the top five findings of this kind of diagnostics. */
	public VirtualThreadReport snapshot() {
		return new VirtualThreadReport(this.pinnedEvents.get(), this.starvationEvents, this.nativeCalls,
				Duration.ofNanos(this.maxLagNanos), Duration.ofNanos(this.lastLagNanos), this.probes,
				this.log.top(5, KINDS));
	}

	/** Probes whose wait did not count because a carrier was free meanwhile. */
	long voidedProbes() {
		return this.voidedProbes;
	}

	/** The probe thread's id, to measure its CPU time; -1 when not running. */
	synchronized long probeThreadId() {
		return (this.prober != null) ? this.prober.threadId() : -1;
	}

	/** Stops the probe and the JFR stream, waiting (briefly) for their threads to end. */
	@Override
	public void close() {
		Ticker probeThread;
		JfrFeed jfr;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			probeThread = this.prober;
			jfr = this.feed;
		}
		if (jfr != null) {
			jfr.close();
		}
		if (probeThread != null) {
			probeThread.stop();
		}
		this.probe.stop();
	}

	/**
	 * One look: finish or watch the probe in flight, wake the next if carriers may lag, explain
	 * episodes. Returns how long to sleep: the probe interval while anything is going on, the quiet
	 * interval while every carrier was free and nothing was queued.
	 */
	private long tick(long now) {
		if (this.outstanding) {
			long submitted = this.outstandingSubmitNanos;
			if (this.probe.hasRun()) {
				this.outstanding = false;
				long lag = this.probe.ranNanos() - submitted;
				if (lag > this.lagThresholdNanos && this.episode == null && (this.freeCarrierSeen || progressed())) {
					// Late, but carriers were free or running other work meanwhile: not a wait for a carrier.
					this.voidedProbes++;
				}
				else {
					probeRan(submitted, lag, now);
				}
			}
			else {
				long waited = now - submitted;
				long work = progressNow();
				boolean movedSinceLastLook = this.progress != null && work != this.progressAtLook;
				this.progressAtLook = work;
				boolean free = this.carriers.anyFree();
				if (this.episode == null) {
					this.freeCarrierSeen |= free;
					if (waited > this.lagThresholdNanos && (this.freeCarrierSeen || work != this.progressAtWake)) {
						voidProbe();
					}
					else {
						probeWaiting(submitted, waited, now);
					}
				}
				else if (free || movedSinceLastLook) {
					// Starved until now, and the carriers run again while the probe is still queued
					// behind other work: the episode ends here, not when the probe gets its turn.
					probeRan(submitted, waited, now);
					voidProbe();
				}
				else {
					probeWaiting(submitted, waited, now);
				}
			}
		}
		boolean quiet = !this.outstanding;
		if (!this.outstanding && !this.closed) {
			boolean mayLag = this.carriers.mayLag();
			if (mayLag || now - this.outstandingSubmitNanos > PROBE_AT_LEAST.toNanos()) {
				// One probe at a time: while carriers are stuck, probes would only pile up behind them.
				this.outstandingSubmitNanos = System.nanoTime();
				this.outstanding = true;
				this.freeCarrierSeen = false;
				this.progressAtWake = progressNow();
				this.progressAtLook = this.progressAtWake;
				this.probe.wake();
			}
			quiet = !mayLag;
		}
		settle(now);
		if (this.sampling && this.episode == null && this.settling.isEmpty() && now - this.samplingUntilNanos > 0) {
			setSampling(false);
		}
		return (quiet && this.episode == null && this.settling.isEmpty()) ? this.quietIntervalNanos
				: this.probeIntervalNanos;
	}

	private long progressNow() {
		LongSupplier work = this.progress;
		return (work != null) ? work.getAsLong() : 0;
	}

	/** Whether virtual threads finished work since the probe in flight was woken. */
	private boolean progressed() {
		return this.progress != null && progressNow() != this.progressAtWake;
	}

	/**
	 * Gives up the probe in flight: it waited past the threshold while a carrier was free or
	 * carriers kept finishing requests, so its wait was not for a carrier. JDK 25's scheduler was
	 * seen to leave the probe's task (submitted from this platform thread) queued for seconds while
	 * its one carrier kept running the engine's tasks from another queue: for 4 s at a steady 2,000
	 * requests per second that took a quarter of the carrier, and for the whole of a saturating
	 * load. Counted, those were false starvation WARNs and native-method sampling through the load.
	 * Carriers that are really starved (CPU-bound virtual threads, a call blocking in C) finish
	 * nothing and are never free. A new probe (virtual thread) takes the next wake; the old one
	 * ends whenever it runs.
	 */
	private void voidProbe() {
		this.voidedProbes++;
		this.outstanding = false;
		LagProbe stale = this.probe;
		stale.stop();
		if (!this.closed) {
			LagProbe fresh = this.probeFactory.get();
			fresh.start();
			this.probe = fresh;
		}
	}

	/** A probe starved now: sample native methods from now on, until that has been over a while. */
	private void starvedNow(long now) {
		this.samplingUntilNanos = now + SAMPLING_LINGER.toNanos();
		if (!this.sampling) {
			setSampling(true);
		}
	}

	private void setSampling(boolean on) {
		JfrFeed jfr = this.feed;
		if (jfr != null && !this.closed) {
			jfr.sampleNativeMethods(on);
			this.sampling = on;
		}
	}

	/** The wall-clock time of a {@link System#nanoTime()} reading taken {@code now - nanos} ago. */
	private static Instant instantOf(long nanos, long now) {
		return Instant.now().minusNanos(now - nanos);
	}

	private void probeRan(long submitNanos, long lag, long now) {
		this.probes++;
		this.lastLagNanos = lag;
		if (lag > this.maxLagNanos) {
			this.maxLagNanos = lag;
		}
		if (lag > this.lagThresholdNanos) {
			Instant submitted = instantOf(submitNanos, now);
			Episode current = this.episode;
			if (current == null) {
				current = new Episode(submitted);
				this.starvationEvents++;
			}
			this.episode = null;
			current.end = submitted.plusNanos(lag);
			current.lag = Duration.ofNanos(lag);
			current.closedNanos = now;
			current.flushesAtClose = this.flushes.get();
			this.settling.add(current);
		}
	}

	private void probeWaiting(long submitNanos, long waited, long now) {
		if (waited > this.maxLagNanos) {
			this.maxLagNanos = waited;
		}
		if (waited <= this.lagThresholdNanos) {
			return;
		}
		// Starved now: count it at once, so that carriers stuck for good are reported too.
		this.lastLagNanos = waited;
		starvedNow(now);
		Episode current = this.episode;
		if (current == null) {
			current = new Episode(instantOf(submitNanos, now));
			this.episode = current;
			this.starvationEvents++;
		}
		if (!current.explained && waited > INTERIM_NANOS) {
			current.end = current.start.plusNanos(waited);
			current.lag = Duration.ofNanos(waited);
			explain(current);
		}
	}

	private void settle(long now) {
		for (Iterator<Episode> it = this.settling.iterator(); it.hasNext();) {
			Episode ended = it.next();
			if (this.feed == null || this.flushes.get() >= ended.flushesAtClose + SETTLE_FLUSHES
					|| now - ended.closedNanos > SETTLE_TIMEOUT_NANOS) {
				it.remove();
				explain(ended);
			}
		}
	}

	/**
	 * Names the cause of a starvation episode: the native stack of virtual threads sampled most
	 * often during it; else a pinned park overlapping it (already reported as pinned); else
	 * nothing seen, recorded as plain carrier starvation.
	 */
	private void explain(Episode ended) {
		String lag = Frames.duration(ended.lag);
		if (ended.explained) {
			// Explained while it went on: only its full length is new.
			if (ended.kind != null) {
				this.log.update(ended.kind, ended.stack, ended.summary(lag), ended.lag);
			}
			return;
		}
		ended.explained = true;
		Instant from = ended.start.minus(SLACK);
		Instant to = ended.end.plus(SLACK);
		NativeSample cause = likeliestNativeCall(from, to);
		if (cause != null) {
			String site = Frames.culprit(cause.frames());
			ended.kind = Finding.Kind.NATIVE_CALL;
			ended.stack = cause.frames();
			ended.template = "virtual thread blocked its carrier in " + cause.nativeFrame()
					+ ((site != null) ? ", called from " + site : "") + "; virtual threads waited {lag} for a carrier";
			this.nativeCalls++;
			this.log.record(ended.kind, ended.summary(lag), ended.stack, ended.lag);
			return;
		}
		if (pinnedDuring(from, to)) {
			return;
		}
		ended.kind = Finding.Kind.CARRIER_STARVATION;
		ended.stack = List.of();
		ended.template = "virtual threads waited {lag} for a carrier and no native call or pinning was seen: "
				+ "CPU-bound virtual threads, too few carriers, or a long GC pause";
		this.log.record(ended.kind, ended.summary(lag), ended.stack, ended.lag);
	}

	private @Nullable NativeSample likeliestNativeCall(Instant from, Instant to) {
		Map<List<String>, Integer> counts = new HashMap<>();
		NativeSample best = null;
		int bestCount = 0;
		synchronized (this.samples) {
			for (NativeSample sample : this.samples) {
				if (sample.time().isBefore(from) || sample.time().isAfter(to)) {
					continue;
				}
				int count = counts.merge(sample.frames(), 1, Integer::sum);
				if (count > bestCount) {
					best = sample;
					bestCount = count;
				}
			}
		}
		return best;
	}

	private boolean pinnedDuring(Instant from, Instant to) {
		synchronized (this.pins) {
			for (Interval pin : this.pins) {
				if (!pin.end().isBefore(from) && !pin.start().isAfter(to)) {
					return true;
				}
			}
		}
		return false;
	}

	private void onPinned(RecordedEvent event) {
		this.pinnedEvents.incrementAndGet();
		Duration duration = event.getDuration();
		Instant start = event.getStartTime();
		synchronized (this.pins) {
			this.pins.addLast(new Interval(start, start.plus(duration)));
			while (this.pins.size() > MAX_PINS) {
				this.pins.removeFirst();
			}
		}
		List<String> frames = Frames.of(event.getStackTrace());
		String site = Frames.culprit(frames);
		String summary = "virtual thread parked while pinned, blocking its carrier " + Frames.duration(duration)
				+ ((site != null) ? ", at " + site : "");
		// Announced when the same stack pins again: once is typically a class initializer in warm-up.
		this.log.record(Finding.Kind.PINNED, summary, frames, duration, PIN_RECURS);
	}

	private void onNativeSample(RecordedEvent event) {
		RecordedThread thread = event.getThread("sampledThread");
		if (thread == null || !thread.isVirtual()) {
			// Platform threads in native code (accept, epoll_wait) block no carrier.
			return;
		}
		RecordedStackTrace stackTrace = event.getStackTrace();
		String nativeFrame = Frames.nativeFrame(stackTrace);
		if (nativeFrame == null) {
			return;
		}
		NativeSample sample = new NativeSample(event.getStartTime(), thread.getJavaThreadId(),
				Frames.of(stackTrace), nativeFrame);
		synchronized (this.samples) {
			this.samples.addLast(sample);
			Instant oldest = sample.time().minus(KEEP);
			while (this.samples.size() > MAX_SAMPLES || this.samples.peekFirst().time().isBefore(oldest)) {
				this.samples.removeFirst();
			}
		}
	}

	/** The in-process JFR stream; a class of its own so that a runtime without jdk.jfr fails here only. */
	private final class JfrFeed {

		private final RecordingStream stream;

		private JfrFeed() {
			RecordingStream rs = new RecordingStream();
			try {
				rs.enable("jdk.VirtualThreadPinned").withThreshold(PINNED_THRESHOLD).withStackTrace();
				// Native-method sampling is off until a probe is late: see sampleNativeMethods.
				rs.disable("jdk.NativeMethodSample");
				// Episodes are matched by time, not by order: skip sorting each flush.
				rs.setOrdered(false);
				// Keep little on disk: events are consumed within seconds.
				rs.setMaxAge(KEEP);
				rs.onEvent("jdk.VirtualThreadPinned", guarded(VirtualThreadDiagnostics.this::onPinned));
				rs.onEvent("jdk.NativeMethodSample", guarded(VirtualThreadDiagnostics.this::onNativeSample));
				rs.onFlush(VirtualThreadDiagnostics.this.flushes::incrementAndGet);
				rs.startAsync();
			}
			catch (RuntimeException ex) {
				rs.close();
				throw ex;
			}
			this.stream = rs;
		}

		/** Turns native-method sampling on or off in the running stream (JFR applies it at once). */
		private void sampleNativeMethods(boolean on) {
			if (on) {
				this.stream.enable("jdk.NativeMethodSample").withPeriod(NATIVE_SAMPLE_PERIOD);
			}
			else {
				this.stream.disable("jdk.NativeMethodSample");
			}
		}

		private void close() {
			this.stream.close();
			try {
				this.stream.awaitTermination(Duration.ofSeconds(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private static java.util.function.Consumer<RecordedEvent> guarded(
				java.util.function.Consumer<RecordedEvent> handler) {
			return (event) -> {
				try {
					handler.accept(event);
				}
				catch (RuntimeException ex) {
					// One odd event must not end the stream.
				}
			};
		}

	}

	/**
	 * The virtual-thread scheduler's own counts ({@code jdk.management.VirtualThreadSchedulerMXBean},
	 * JDK 24 and later): whether a probe could be late now, and whether a carrier is free. Reading
	 * them costs well under a microsecond and wakes no thread. On a JDK without the bean every look
	 * wakes the probe and no carrier is known to be free, as before the counts were used.
	 */
	interface CarrierLoad {

		/** Whether the counts are read from the scheduler. */
		boolean known();

		/** Whether every carrier is taken or virtual threads wait in the queues (always, when unknown). */
		boolean mayLag();

		/** Whether a carrier is free now (never, when unknown). */
		boolean anyFree();

		static CarrierLoad ofScheduler() {
			try {
				// By name: the starter compiles for JDK 21, which does not have the bean.
				Class<?> type = Class.forName("jdk.management.VirtualThreadSchedulerMXBean");
				Object bean = ManagementFactory.class.getMethod("getPlatformMXBean", Class.class)
					.invoke(null, type);
				if (bean == null) {
					return SchedulerCounts.UNKNOWN;
				}
				MethodHandles.Lookup lookup = MethodHandles.publicLookup();
				MethodType returnsInt = MethodType.methodType(int.class);
				return new SchedulerCounts(lookup.findVirtual(type, "getParallelism", returnsInt).bindTo(bean),
						lookup.findVirtual(type, "getMountedVirtualThreadCount", returnsInt).bindTo(bean),
						lookup.findVirtual(type, "getQueuedVirtualThreadCount", MethodType.methodType(long.class))
							.bindTo(bean));
			}
			catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
				return SchedulerCounts.UNKNOWN;
			}
		}

	}

	private record SchedulerCounts(@Nullable MethodHandle parallelism, @Nullable MethodHandle mounted,
			@Nullable MethodHandle queued) implements CarrierLoad {

		static final SchedulerCounts UNKNOWN = new SchedulerCounts(null, null, null);

		@Override
		public boolean known() {
			return this.queued != null;
		}

		@Override
		public boolean mayLag() {
			if (this.queued == null || this.mounted == null || this.parallelism == null) {
				return true;
			}
			try {
				return (long) this.queued.invokeExact() > 0
						|| (int) this.mounted.invokeExact() >= (int) this.parallelism.invokeExact();
			}
			catch (Throwable ex) {
				return true;
			}
		}

		@Override
		public boolean anyFree() {
			if (this.mounted == null || this.parallelism == null) {
				return false;
			}
			try {
				return (int) this.mounted.invokeExact() < (int) this.parallelism.invokeExact();
			}
			catch (Throwable ex) {
				return false;
			}
		}

	}

	/**
	 * What the probing thread wakes to measure scheduler lag: {@link #wake()} makes it runnable,
	 * and once it has run, {@link #ranNanos()} is when it got a carrier.
	 */
	interface LagProbe {

		void start();

		void wake();

		/** Whether it ran since the last {@link #wake()}. */
		boolean hasRun();

		/** When it last ran ({@link System#nanoTime()}); meaningful once {@link #hasRun()}. */
		long ranNanos();

		/** Lets it end, the next time it runs. */
		void stop();

	}

	/**
	 * The probe: one virtual thread that parks until woken and then notes when it ran; that time
	 * against the waking time is the scheduler lag. Waking a parked virtual thread costs a
	 * scheduler submit, less than creating, starting and ending a new thread for each probe.
	 */
	private static final class Probe implements LagProbe {

		private final Thread thread = Thread.ofVirtual().name("workerclass-lag-probe").unstarted(this::run);

		/** Wakes asked for; written by the probing thread only. */
		private volatile long requested;

		/** The last wake the probe ran for, written after {@link #ranNanos}. */
		private volatile long answered;

		private volatile long ranNanos;

		private volatile boolean stopped;

		@Override
		public void start() {
			this.thread.start();
		}

		@Override
		public void wake() {
			this.requested++;
			LockSupport.unpark(this.thread);
		}

		@Override
		public boolean hasRun() {
			return this.answered == this.requested;
		}

		@Override
		public long ranNanos() {
			return this.ranNanos;
		}

		@Override
		public void stop() {
			this.stopped = true;
			LockSupport.unpark(this.thread);
		}

		private void run() {
			while (!this.stopped) {
				// A wake before this park leaves a permit, so no probe is lost between runs; a
				// spurious return before a wake is asked for answers nothing new.
				LockSupport.park(this);
				long asked = this.requested;
				this.ranNanos = System.nanoTime();
				this.answered = asked;
			}
		}

	}

	/** One starvation episode: from a late probe's submission to its start. */
	private static final class Episode {

		private final Instant start;

		private Instant end;

		private Duration lag;

		private long closedNanos;

		private long flushesAtClose;

		private boolean explained;

		private Finding.@Nullable Kind kind;

		private List<String> stack = List.of();

		/** The summary, with "{lag}" where the episode's length goes (it grows while the episode lasts). */
		private String template;

		private Episode(Instant start) {
			this.start = start;
		}

		private String summary(String lag) {
			return this.template.replace("{lag}", lag);
		}

	}

	private record NativeSample(Instant time, long threadId, List<String> frames, String nativeFrame) {

	}

	private record Interval(Instant start, Instant end) {

	}

}
