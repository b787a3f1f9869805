package dev.workerclass.autoscale;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * When to change the worker count, after uWSGI's {@code busyness} algorithm: fed one {@link Load}
 * per interval, it answers a {@link Decision} or nothing. Pure: no threads and no clock of its
 * own (time comes with each sample, as monotonic nanos), and not thread-safe.
 * <ul>
 * <li><b>Grow</b> when, over the last {@code growAfter}, the mean busy share is at least
 * {@code growAbove} and requests waited in at least half the looks: to fit the peak of busy plus
 * waiting requests in that window at once (at least one more worker, at most {@code maxWorkers}).
 * Threads and virtual-thread capacity are cheap to add, so it does not creep up one worker per
 * cycle as uWSGI spawns processes.</li>
 * <li><b>Shrink</b> when every {@code growAfter}-long cycle within the last {@code shrinkAfter} had
 * a mean busy share below {@code shrinkBelow} and nothing waited: to fit the peak busy of the last
 * cycle (never below {@code minWorkers}), if that is fewer workers than now. The fit of a steady
 * load is the current size, so a steady load does not flap.</li>
 * <li><b>Cool-down</b>: no decision within {@code cooldown} after a growth or a
 * {@linkplain #manualResize manual resize}; shrinking right after a growth is what flaps.</li>
 * <li><b>Penalty</b> (uWSGI's, against flapping): a growth within twice the shrink time after a
 * shrink doubles the shrink time, up to eightfold; a calm spell of ten times the penalised shrink
 * time halves it again.</li>
 * </ul>
 * Every change of size, its own or not, starts the windows afresh: samples of another size say
 * nothing about this one.
 */
public final class AutoscalePolicy {

	/** The most the shrink time is multiplied by after repeated flaps. */
	public static final int MAX_PENALTY = 8;

	private final AutoscaleSettings settings;

	private final long interval;

	private final long growAfter;

	private final ArrayDeque<Load> samples = new ArrayDeque<>();

	private int knownWorkers = -1;

	private int knownCapacity = -1;

	private boolean cooling;

	private long coolUntil;

	private int penalty = 1;

	private boolean shrunk;

	private long lastShrink;

	/** Since the last flap or halving of the penalty: the calm spell that halves it. */
	private long calmSince;

	public AutoscalePolicy(AutoscaleSettings settings) {
		this.settings = settings;
		this.interval = settings.interval().toNanos();
		this.growAfter = settings.growAfter().toNanos();
	}

	public AutoscaleSettings settings() {
		return this.settings;
	}

	/** What the shrink time is multiplied by now: 1, or up to {@value #MAX_PENALTY} after flaps. */
	public int penalty() {
		return this.penalty;
	}

	/** How long idleness must hold before a shrink now: {@code shrinkAfter} × {@link #penalty()}. */
	public Duration shrinkTime() {
		return this.settings.shrinkAfter().multipliedBy(this.penalty);
	}

	/**
	 * Reads one sample and answers what to do, taking the decision as applied: the caller resizes
	 * to {@link Decision#to()} (and stops consulting the policy if it cannot).
	 */
	public Optional<Decision> offer(Load load) {
		long now = load.nanos();
		decayPenalty(now);
		if (load.workers() != this.knownWorkers || load.capacity() != this.knownCapacity) {
			this.samples.clear();
			this.knownWorkers = load.workers();
			this.knownCapacity = load.capacity();
		}
		this.samples.addLast(load);
		long keep = Math.max(this.growAfter, shrinkTime().toNanos());
		while (now - this.samples.getFirst().nanos() >= keep) {
			this.samples.removeFirst();
		}
		if (this.cooling && now - this.coolUntil < 0) {
			return Optional.empty();
		}
		this.cooling = false;
		Optional<Decision> grow = grow(load);
		return grow.isPresent() ? grow : shrink(load);
	}

	/**
	 * A resize the policy did not decide (the workers endpoint, ttin, ttou): the cool-down starts
	 * and the windows start afresh at {@code newWorkers}. A count below {@code minWorkers} or above
	 * {@code maxWorkers} is taken as it is; only the policy's own rules move it back (a growth when
	 * busy, a shrink when idle).
	 */
	public void manualResize(long nanos, int newWorkers) {
		this.samples.clear();
		this.knownWorkers = newWorkers;
		this.cooling = true;
		this.coolUntil = nanos + this.settings.cooldown().toNanos();
	}

	private Optional<Decision> grow(Load load) {
		long now = load.nanos();
		if (load.workers() >= this.settings.maxWorkers() || !covers(now, this.growAfter)) {
			return Optional.empty();
		}
		List<Load> window = within(now, 0, this.growAfter);
		int waitingLooks = 0;
		int peak = 0;
		int peakWaiting = 0;
		for (Load sample : window) {
			waitingLooks += (sample.queued() > 0) ? 1 : 0;
			peak = Math.max(peak, sample.busy() + sample.queued());
			peakWaiting = Math.max(peakWaiting, sample.queued());
		}
		double busy = meanBusyShare(window);
		if (busy < this.settings.growAbove() || 2 * waitingLooks < window.size()) {
			return Optional.empty();
		}
		int fit = ceilDiv(peak, load.perWorker());
		int to = Math.min(this.settings.maxWorkers(), Math.max(load.workers() + 1, fit));
		// A growth soon after a shrink is a flap: shrinking was premature, so wait longer next time.
		if (this.shrunk && now - this.lastShrink <= 2 * shrinkTime().toNanos()) {
			this.penalty = Math.min(MAX_PENALTY, 2 * this.penalty);
			this.calmSince = now;
		}
		this.shrunk = false;
		this.cooling = true;
		this.coolUntil = now + this.settings.cooldown().toNanos();
		this.samples.clear();
		this.knownWorkers = to;
		String reason = "busy " + percent(busy) + " over " + format(this.settings.growAfter()) + ", " + peakWaiting
				+ " waiting";
		return Optional.of(new Decision(Decision.Direction.UP, load.workers(), to, reason, null));
	}

	private Optional<Decision> shrink(Load load) {
		long now = load.nanos();
		long shrinkTime = shrinkTime().toNanos();
		if (load.workers() <= this.settings.minWorkers() || !covers(now, shrinkTime)) {
			return Optional.empty();
		}
		List<Load> window = within(now, 0, shrinkTime);
		for (Load sample : window) {
			if (sample.queued() > 0) {
				return Optional.empty();
			}
		}
		// Every cycle idle, not only the mean over all of them: a busy spell between idle ones is load.
		for (long start = 0; start < shrinkTime; start += this.growAfter) {
			List<Load> cycle = within(now, start, Math.min(shrinkTime, start + this.growAfter));
			if (!cycle.isEmpty() && meanBusyShare(cycle) >= this.settings.shrinkBelow()) {
				return Optional.empty();
			}
		}
		int peakBusy = 0;
		for (Load sample : within(now, 0, this.growAfter)) {
			peakBusy = Math.max(peakBusy, sample.busy());
		}
		int to = Math.max(this.settings.minWorkers(), ceilDiv(peakBusy, load.perWorker()));
		if (to >= load.workers()) {
			return Optional.empty();
		}
		this.shrunk = true;
		this.lastShrink = now;
		this.samples.clear();
		this.knownWorkers = to;
		String reason = "busy " + percent(meanBusyShare(window)) + " over " + format(shrinkTime());
		return Optional.of(new Decision(Decision.Direction.DOWN, load.workers(), to, reason, null));
	}

	private void decayPenalty(long now) {
		if (this.penalty > 1 && now - this.calmSince >= 10 * shrinkTime().toNanos()) {
			this.penalty /= 2;
			this.calmSince = now;
		}
	}

	/** Whether the samples kept reach back {@code duration}: each stands for one interval. */
	private boolean covers(long now, long duration) {
		return !this.samples.isEmpty() && now - this.samples.getFirst().nanos() + this.interval >= duration;
	}

	/** The samples whose age is at least {@code from} and less than {@code to}. */
	private List<Load> within(long now, long from, long to) {
		List<Load> window = new ArrayList<>();
		for (Load sample : this.samples) {
			long age = now - sample.nanos();
			if (age >= from && age < to) {
				window.add(sample);
			}
		}
		return window;
	}

	private static double meanBusyShare(List<Load> window) {
		double sum = 0;
		for (Load sample : window) {
			sum += sample.busyShare();
		}
		return window.isEmpty() ? 0 : sum / window.size();
	}

	private static int ceilDiv(int value, int divisor) {
		return (value + divisor - 1) / divisor;
	}

	private static String percent(double share) {
		return Math.round(share * 100) + "%";
	}

	/** {@code 3s}, {@code 1.5s} or {@code 500ms}: as a person writes the property. */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis < 1000) {
			return millis + "ms";
		}
		if (millis % 1000 == 0) {
			return (millis / 1000) + "s";
		}
		return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
	}

}
