package dev.workerclass.limit;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

import com.netflix.concurrency.limits.Limit;
import dev.workerclass.workers.SlotObserver;
import dev.workerclass.workers.Workers;

/**
 * Feeds the time each request held its slot to one of Netflix's limit algorithms and sets the
 * workers' {@linkplain Workers#limitConcurrency(int) limit} to what it answers. The workers' slots
 * and line stay the enforcement: a request over the limit waits in the bounded line or is refused
 * with a 503, exactly as over the capacity.
 * <p>
 * The algorithm calls back with a new limit while it holds its own lock; the callback only notes
 * the value, and it is applied after {@code onSample} returns. Applying it may admit waiting
 * requests, and under an event loop an admitted request runs on the thread that admitted it: that
 * must not happen inside the algorithm's lock, where every other request's sample would wait on it.
 */
public final class AdaptiveLimit implements SlotObserver {

	private final Workers workers;

	private final LimitSettings settings;

	private final Limit limit;

	/** Set by the algorithm's callback when its limit changed, cleared by whoever applies it. */
	private final AtomicBoolean changed = new AtomicBoolean();

	/** The limit set on the workers, or being set. */
	private final AtomicInteger applied = new AtomicInteger();

	private final LongAdder changes = new LongAdder();

	private volatile IntConsumer onChange = (value) -> {
	};

	/** Starts at the initial limit and listens to every request's slot from now on. */
	public AdaptiveLimit(Workers workers, LimitSettings settings) {
		this.workers = Objects.requireNonNull(workers, "workers");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.limit = settings.algorithm()
			.create(settings.initial(), settings.min(), settings.max(), settings.timeout());
		this.limit.notifyOnChange((value) -> this.changed.set(true));
		this.applied.set(settings.initial());
		workers.limitConcurrency(settings.initial());
		workers.observeSlots(this);
	}

	/** Called with each new limit applied, on the thread that applied it (for a log line or a meter). */
	public void onChange(IntConsumer listener) {
		this.onChange = Objects.requireNonNull(listener, "listener");
	}

	@Override
	public void released(long grantedAt, long heldNanos, int inFlight, boolean dropped) {
		if (heldNanos <= 0) {
			// Vegas refuses a zero time; a request that took no measurable time tells nothing.
			return;
		}
		this.limit.onSample(grantedAt, heldNanos, inFlight, dropped);
		if (this.changed.getAndSet(false)) {
			follow();
		}
	}

	/**
	 * Sets the workers' limit to the algorithm's, clamped (Vegas has no minimum of its own, and no
	 * algorithm may pass the capacity at max-workers). Two threads may follow at once and reach the
	 * slots in either order: each checks after setting that its value is still the latest, and
	 * sets the latest otherwise, so the slots end at the last value applied.
	 */
	private void follow() {
		int target = Math.max(this.settings.min(), Math.min(this.settings.max(), this.limit.getLimit()));
		if (this.applied.getAndSet(target) == target) {
			return;
		}
		this.changes.increment();
		while (true) {
			this.workers.limitConcurrency(target);
			int latest = this.applied.get();
			if (latest == target) {
				break;
			}
			target = latest;
		}
		this.onChange.accept(target);
	}

	/** The limit set now (the workers admit at most this, or their capacity where it is lower). */
	public int current() {
		return this.applied.get();
	}

	public LimitSettings settings() {
		return this.settings;
	}

	/** Stops listening; the limit stays where it is. */
	public void stop() {
		this.workers.observeSlots(null);
	}

	/** The limit as the endpoint shows it: {@code current} is what the workers admit now. */
	public LimitReport report() {
		return new LimitReport(this.settings.algorithm().value(), this.workers.admitting(), this.settings.min(),
				this.settings.max(), this.changes.sum(), this.workers.lineBound());
	}

}
