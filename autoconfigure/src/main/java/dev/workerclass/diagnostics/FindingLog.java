package dev.workerclass.diagnostics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Findings aggregated by kind and stack, so that a stall repeated a thousand times is one line
 * in the endpoint and one WARN in the log. Thread-safe; memory is bounded: past
 * {@link #DEFAULT_MAX_KEYS} distinct stacks, further new stacks of a kind are counted in one
 * "other" finding of that kind (empty stack) instead of being kept.
 */
public final class FindingLog {

	/** Distinct (kind, stack) keys kept by default. */
	public static final int DEFAULT_MAX_KEYS = 100;

	private final Consumer<Finding> onNew;

	private final int maxKeys;

	private final Clock clock;

	private final Map<Key, Entry> entries = new LinkedHashMap<>();

	/** The "other" bucket of each kind, used once {@code entries} is full. */
	private final Map<Finding.Kind, Entry> overflow = new EnumMap<>(Finding.Kind.class);

	/** Occurrences per kind, counted whether or not the key was kept. */
	private final Map<Finding.Kind, Long> totals = new EnumMap<>(Finding.Kind.class);

	/**
	 * @param onNew called once per key when it is first worth announcing (see
	 * {@link #record(Finding.Kind, String, List, Duration, int)}), and once when a kind first overflows,
	 * outside any lock, on the thread that recorded it; the Spring glue logs from it at WARN
	 */
	public FindingLog(Consumer<Finding> onNew) {
		this(onNew, DEFAULT_MAX_KEYS, Clock.systemUTC());
	}

	public FindingLog(Consumer<Finding> onNew, int maxKeys) {
		this(onNew, maxKeys, Clock.systemUTC());
	}

	FindingLog(Consumer<Finding> onNew, int maxKeys, Clock clock) {
		if (maxKeys < 1) {
			throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
		}
		this.onNew = Objects.requireNonNull(onNew, "onNew");
		this.maxKeys = maxKeys;
		this.clock = clock;
	}

	/**
	 * Counts one occurrence, announcing its (kind, stack) the first time it is seen.
	 * @param kind the kind of stall
	 * @param summary one line; the summary of the longest occurrence is the one kept
	 * @param stack top frames, innermost first (cut to {@link Finding#MAX_FRAMES})
	 * @param duration how long it lasted (so far)
	 * @return true when this (kind, stack) was not seen before and is now kept, so the caller may
	 * log it once (false for a stack counted in the "other" finding)
	 */
	public boolean record(Finding.Kind kind, String summary, List<String> stack, Duration duration) {
		return record(kind, summary, stack, duration, 1);
	}

	/**
	 * Counts one occurrence, announcing its (kind, stack) once it has been seen {@code announceAt}
	 * times: for a problem that matters only when it recurs (a virtual thread pinned once while a
	 * class initializes is warm-up, not a bug). Until then it is counted and listed, not announced.
	 * @param announceAt occurrences of this (kind, stack) that make it worth announcing, at least 1
	 * @return true when this (kind, stack) was not seen before and is now kept
	 */
	public boolean record(Finding.Kind kind, String summary, List<String> stack, Duration duration, int announceAt) {
		Key key = new Key(kind, trim(stack));
		Instant now = this.clock.instant();
		Finding announced = null;
		boolean kept = false;
		synchronized (this) {
			this.totals.merge(kind, 1L, Long::sum);
			Entry entry = this.entries.get(key);
			if (entry != null) {
				entry.occurred(summary, duration, now);
			}
			else if (this.entries.size() < this.maxKeys) {
				entry = new Entry(key.kind(), key.stack(), summary, duration, now);
				this.entries.put(key, entry);
				kept = true;
			}
			else {
				Entry other = this.overflow.get(kind);
				if (other != null) {
					other.occurred(other.summary, duration, now);
					return false;
				}
				// The overflow bucket is announced at once: it says that stacks are being dropped.
				other = new Entry(kind, List.of(),
						"other " + kind.value() + " findings: more than " + this.maxKeys + " distinct stacks, not kept",
						duration, now);
				other.announced = true;
				this.overflow.put(kind, other);
				announced = other.toFinding();
			}
			if (entry != null && !entry.announced && entry.count >= announceAt) {
				entry.announced = true;
				announced = entry.toFinding();
			}
		}
		if (announced != null) {
			notifyNew(announced);
		}
		return kept;
	}

	/**
	 * Raises the duration of a finding recorded before, without counting a new occurrence: for a
	 * stall reported while it lasts and measured in full when it ends.
	 */
	public void update(Finding.Kind kind, List<String> stack, String summary, Duration duration) {
		Key key = new Key(kind, trim(stack));
		synchronized (this) {
			Entry entry = this.entries.get(key);
			if (entry == null) {
				entry = this.overflow.get(kind);
				if (entry == null) {
					return;
				}
				summary = entry.summary;
			}
			if (duration.compareTo(entry.longest) > 0) {
				entry.longest = duration;
				entry.summary = summary;
			}
		}
	}

	/** The {@code n} findings seen most often, of any kind. */
	public List<Finding> top(int n) {
		return top(n, null);
	}

	/** The {@code n} findings of the given kinds seen most often (ties: the longer first). */
	public synchronized List<Finding> top(int n, @Nullable Set<Finding.Kind> kinds) {
		List<Finding> all = new ArrayList<>();
		for (Entry entry : this.entries.values()) {
			if (kinds == null || kinds.contains(entry.kind)) {
				all.add(entry.toFinding());
			}
		}
		for (Entry entry : this.overflow.values()) {
			if (kinds == null || kinds.contains(entry.kind)) {
				all.add(entry.toFinding());
			}
		}
		all.sort(Comparator.comparingLong(Finding::count)
			.thenComparing(Finding::longest)
			.reversed());
		return List.copyOf(all.subList(0, Math.min(Math.max(n, 0), all.size())));
	}

	/** Occurrences of a kind since start, including those counted in its "other" finding. */
	public synchronized long total(Finding.Kind kind) {
		return this.totals.getOrDefault(kind, 0L);
	}

	/** Distinct keys kept (at most the limit, plus one "other" finding per kind). */
	public synchronized int size() {
		return this.entries.size() + this.overflow.size();
	}

	private void notifyNew(Finding finding) {
		try {
			this.onNew.accept(finding);
		}
		catch (RuntimeException ex) {
			// A failing log call must not stop the watchdog that recorded the finding.
		}
	}

	private static List<String> trim(List<String> stack) {
		return List.copyOf((stack.size() > Finding.MAX_FRAMES) ? stack.subList(0, Finding.MAX_FRAMES) : stack);
	}

	private record Key(Finding.Kind kind, List<String> stack) {

	}

	private static final class Entry {

		private final Finding.Kind kind;

		private final List<String> stack;

		private final Instant firstSeen;

		private String summary;

		private long count;

		private Instant lastSeen;

		private Duration longest;

		/** Whether {@code onNew} has been called for it. */
		private boolean announced;

		private Entry(Finding.Kind kind, List<String> stack, String summary, Duration duration, Instant now) {
			this.kind = kind;
			this.stack = stack;
			this.summary = summary;
			this.count = 1;
			this.firstSeen = now;
			this.lastSeen = now;
			this.longest = duration;
		}

		private void occurred(String summary, Duration duration, Instant now) {
			this.count++;
			this.lastSeen = now;
			if (duration.compareTo(this.longest) > 0) {
				this.longest = duration;
				this.summary = summary;
			}
		}

		private Finding toFinding() {
			return new Finding(this.kind, this.summary, this.stack, this.count, this.firstSeen, this.lastSeen,
					this.longest);
		}

	}

}
