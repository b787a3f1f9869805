package dev.workerclass.diagnostics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

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
 * JFR streams with a delay (it flushes about once a second), so a starvation episode is
 * explained only after two flushes have passed since it ended: by then every sample taken
 * during it has been delivered.
 * <p>
 * Threads: one daemon platform thread ({@code workerclass-vthread-probe}) that probes and
 * attributes, the JFR stream's thread, and one short virtual thread per probe. {@link #close()}
 * stops both platform threads.
 */
public final class VirtualThreadDiagnostics implements AutoCloseable {

	/** Scheduler lag past which carriers count as starved, by default. */
	public static final Duration DEFAULT_LAG_THRESHOLD = Duration.ofMillis(100);

	/** How often a probe virtual thread is started, by default. */
	public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(50);

	/** Name of the probing platform thread. */
	public static final String PROBE_THREAD_NAME = "workerclass-vthread-probe";

	/** Pinned parks shorter than this are not reported. */
	static final Duration PINNED_THRESHOLD = Duration.ofMillis(20);

	/** How often JFR samples a thread in native code. */
	static final Duration NATIVE_SAMPLE_PERIOD = Duration.ofMillis(20);

	private static final Set<String> KINDS = Set.of(Finding.PINNED, Finding.NATIVE_CALL,
			Finding.CARRIER_STARVATION);

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

	private Probe outstanding;

	private Episode episode;

	private final List<Episode> settling = new ArrayList<>();

	private final Thread.Builder probeBuilder = Thread.ofVirtual().name("workerclass-lag-probe");

	// Lifecycle, guarded by this.

	private Ticker prober;

	private JfrFeed feed;

	private volatile String jfrProblem;

	private volatile boolean closed;

	/** With the default threshold (100 ms) and probe interval (50 ms). */
	public VirtualThreadDiagnostics(FindingLog log) {
		this(DEFAULT_LAG_THRESHOLD, DEFAULT_PROBE_INTERVAL, log);
	}

	public VirtualThreadDiagnostics(Duration lagThreshold, Duration probeInterval, FindingLog log) {
		if (lagThreshold.isNegative() || lagThreshold.isZero()) {
			throw new IllegalArgumentException("lagThreshold must be positive, was " + lagThreshold);
		}
		if (probeInterval.isNegative() || probeInterval.isZero()) {
			throw new IllegalArgumentException("probeInterval must be positive, was " + probeInterval);
		}
		this.lagThresholdNanos = lagThreshold.toNanos();
		this.probeIntervalNanos = probeInterval.toNanos();
		this.log = Objects.requireNonNull(log, "log");
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
		this.prober = new Ticker(PROBE_THREAD_NAME, this.probeIntervalNanos, this::tick);
		this.prober.start();
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
	}

	/** One probe round: finish or watch the probe in flight, start the next, explain episodes. */
	private void tick(long now) {
		Probe probe = this.outstanding;
		if (probe != null) {
			long ran = probe.ranNanos;
			if (ran != 0) {
				this.outstanding = null;
				probeRan(probe, ran - probe.submitNanos, now);
			}
			else {
				probeWaiting(probe, now - probe.submitNanos, now);
			}
		}
		if (this.outstanding == null && !this.closed) {
			// One probe at a time: while carriers are stuck, probes would only pile up behind them.
			probe = new Probe(Instant.now(), System.nanoTime());
			this.probeBuilder.unstarted(probe).start();
			this.outstanding = probe;
		}
		settle(now);
	}

	private void probeRan(Probe probe, long lag, long now) {
		this.probes++;
		this.lastLagNanos = lag;
		if (lag > this.maxLagNanos) {
			this.maxLagNanos = lag;
		}
		if (lag > this.lagThresholdNanos) {
			Episode current = this.episode;
			if (current == null) {
				current = new Episode(probe.submitted);
				this.starvationEvents++;
			}
			this.episode = null;
			current.end = probe.submitted.plusNanos(lag);
			current.lag = Duration.ofNanos(lag);
			current.closedNanos = now;
			current.flushesAtClose = this.flushes.get();
			this.settling.add(current);
		}
	}

	private void probeWaiting(Probe probe, long waited, long now) {
		if (waited > this.maxLagNanos) {
			this.maxLagNanos = waited;
		}
		if (waited <= this.lagThresholdNanos) {
			return;
		}
		// Starved now: count it at once, so that carriers stuck for good are reported too.
		this.lastLagNanos = waited;
		Episode current = this.episode;
		if (current == null) {
			current = new Episode(probe.submitted);
			this.episode = current;
			this.starvationEvents++;
		}
		if (!current.explained && waited > INTERIM_NANOS) {
			current.end = probe.submitted.plusNanos(waited);
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
			ended.kind = Finding.NATIVE_CALL;
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
		ended.kind = Finding.CARRIER_STARVATION;
		ended.stack = List.of();
		ended.template = "virtual threads waited {lag} for a carrier and no native call or pinning was seen: "
				+ "CPU-bound virtual threads, too few carriers, or a long GC pause";
		this.log.record(ended.kind, ended.summary(lag), ended.stack, ended.lag);
	}

	private NativeSample likeliestNativeCall(Instant from, Instant to) {
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
		this.log.record(Finding.PINNED, summary, frames, duration);
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
				rs.enable("jdk.NativeMethodSample").withPeriod(NATIVE_SAMPLE_PERIOD);
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

	/** A tiny task whose start time, compared with its submit time, is the scheduler lag. */
	private static final class Probe implements Runnable {

		private final Instant submitted;

		private final long submitNanos;

		private volatile long ranNanos;

		private Probe(Instant submitted, long submitNanos) {
			this.submitted = submitted;
			this.submitNanos = submitNanos;
		}

		@Override
		public void run() {
			this.ranNanos = System.nanoTime();
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

		private String kind;

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
