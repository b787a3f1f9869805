package dev.workerclass.readiness;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

import dev.workerclass.workers.RequestPool;

/**
 * Whether this instance wants new requests. It stops wanting them while it sheds (a line is full,
 * or it answered 503 within the last {@linkplain #hold() hold}) or drains (it is shutting down),
 * and wants them again once it has not refused anyone for the hold and its lines are at most half
 * full. The gap between the two thresholds is the hysteresis: an instance at the edge of its
 * capacity does not flap in and out of a balancer's rotation with every probe.
 * <p>
 * The state moves only when it is {@linkplain #check() checked}, which a readiness probe does
 * every few seconds; nothing is added to the request path but the time of each 503.
 */
public final class Readiness {

	private final List<? extends RequestPool> pools;

	private final long holdNanos;

	private final Duration hold;

	private final LongSupplier nanoClock;

	private volatile boolean draining;

	/** Whether the last check found the instance shedding; written under this object's lock. */
	private boolean shedding;

	/**
	 * @param pools the pools whose line and 503s count: the workers, and the offload pool if any
	 * @param hold how long after a 503 the instance stays out of rotation
	 * @param nanoClock {@link System#nanoTime()}, or a test's clock
	 */
	public Readiness(List<? extends RequestPool> pools, Duration hold, LongSupplier nanoClock) {
		if (hold.isNegative()) {
			throw new IllegalArgumentException("hold must not be negative, was " + hold);
		}
		this.pools = List.copyOf(pools);
		this.hold = hold;
		this.holdNanos = hold.toNanos();
		this.nanoClock = nanoClock;
	}

	public Readiness(List<? extends RequestPool> pools, Duration hold) {
		this(pools, hold, System::nanoTime);
	}

	/** How long after a 503 the instance stays out of rotation. */
	public Duration hold() {
		return this.hold;
	}

	/** Marks the instance as leaving: from now on it wants no new requests. */
	public void startDraining() {
		this.draining = true;
	}

	public boolean isDraining() {
		return this.draining;
	}

	/** Looks at the pools now and moves the state; what a readiness probe reports. */
	public synchronized State check() {
		long now = this.nanoClock.getAsLong();
		String full = null;
		String refused = null;
		boolean drained = true;
		for (RequestPool pool : this.pools) {
			int queued = pool.snapshot().queued();
			int bound = pool.lineBound();
			if (full == null && bound > 0 && queued >= bound) {
				full = "the line is full: " + queued + " of " + bound + " requests waiting";
			}
			// Half the bound, rounded down: with a line of 1, back in rotation only when it is empty.
			if (queued > bound / 2) {
				drained = false;
			}
			if (refused == null && pool.refusals() > 0) {
				long ago = now - pool.lastRefusalNanos();
				if (ago < this.holdNanos) {
					refused = "answered 503 " + Duration.ofNanos(Math.max(0, ago)).toMillis() + " ms ago (hold "
							+ this.hold.toMillis() + " ms)";
				}
			}
		}
		if (!this.shedding && (full != null || refused != null)) {
			this.shedding = true;
		}
		else if (this.shedding && refused == null && drained) {
			this.shedding = false;
		}
		if (this.draining) {
			return new State(false, false, true, "shutting down: finishing the requests in flight");
		}
		if (!this.shedding) {
			return new State(true, false, false, "accepting requests");
		}
		String why = (full != null) ? full : (refused != null) ? refused : "the line has not drained to half yet";
		return new State(false, true, false, why);
	}

	/**
	 * What a check found.
	 *
	 * @param acceptingTraffic whether a balancer should send new requests here
	 * @param shedding whether the instance is refusing or about to refuse work
	 * @param draining whether it is shutting down
	 * @param reason one sentence for the health details
	 */
	public record State(boolean acceptingTraffic, boolean shedding, boolean draining, String reason) {
	}

}
