package dev.workerclass.workload;

/**
 * Durations in log-linear buckets: 16 buckets per power of two, so a quantile read from it is
 * within about 4.5% of the true value, from 1 µs to over an hour in 35 × 16 longs. Not
 * thread-safe: its owner synchronizes.
 */
final class LatencyHistogram {

	private static final int SUB_BITS = 4;

	private static final int SUB = 1 << SUB_BITS;

	// Values below 1024 ns share the first bucket group; 2^42 ns is over an hour.
	private static final int MIN_SHIFT = 10;

	private static final int GROUPS = 33;

	private final long[] counts = new long[(GROUPS + 1) * SUB];

	private long count;

	void record(long nanos) {
		this.counts[index(Math.max(0, nanos))]++;
		this.count++;
	}

	long count() {
		return this.count;
	}

	/** The value at or below which {@code quantile} of the recorded durations fall, as the bucket's upper edge. */
	long quantile(double quantile) {
		if (this.count == 0) {
			return 0;
		}
		long rank = (long) Math.ceil(quantile * this.count);
		rank = Math.max(1, Math.min(rank, this.count));
		long seen = 0;
		for (int i = 0; i < this.counts.length; i++) {
			seen += this.counts[i];
			if (seen >= rank) {
				return upperEdge(i);
			}
		}
		return upperEdge(this.counts.length - 1);
	}

	static int index(long nanos) {
		if (nanos < (1L << MIN_SHIFT)) {
			return (int) (nanos >>> (MIN_SHIFT - SUB_BITS));
		}
		int magnitude = 63 - Long.numberOfLeadingZeros(nanos);
		int group = magnitude - MIN_SHIFT + 1;
		if (group > GROUPS) {
			return (GROUPS + 1) * SUB - 1;
		}
		int sub = (int) ((nanos >>> (magnitude - SUB_BITS)) & (SUB - 1));
		return group * SUB + sub;
	}

	static long upperEdge(int index) {
		int group = index / SUB;
		int sub = index % SUB;
		if (group == 0) {
			return ((long) (sub + 1)) << (MIN_SHIFT - SUB_BITS);
		}
		int magnitude = group + MIN_SHIFT - 1;
		return (1L << magnitude) + (((long) sub + 1) << (magnitude - SUB_BITS));
	}

}
