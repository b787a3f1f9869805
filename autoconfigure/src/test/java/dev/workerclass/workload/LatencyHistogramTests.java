package dev.workerclass.workload;

import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The histogram's quantiles: within its bucket width (under 7%) of the true value, over 1 µs to an hour. */
class LatencyHistogramTests {

	@Test
	void p99IsTheValueNinetyNinePercentAreAtOrBelow() {
		LatencyHistogram histogram = new LatencyHistogram();
		for (int i = 0; i < 99; i++) {
			histogram.record(1_000_000);
		}
		histogram.record(100_000_000);
		assertThat(histogram.count()).isEqualTo(100);
		assertThat((double) histogram.quantile(0.99)).isCloseTo(1_000_000, within(70_000.0));
		histogram.record(100_000_000);
		// 2 of 101 above: the 99th percentile is now the slow one.
		assertThat((double) histogram.quantile(0.99)).isCloseTo(100_000_000, within(7_000_000.0));
	}

	@Test
	void everyValueLandsInABucketWhoseUpperEdgeIsWithinSevenPercentAbove() {
		for (int i = 0; i < 100_000; i++) {
			long nanos = (long) Math.pow(10, ThreadLocalRandom.current().nextDouble(3, 12.5));
			long edge = LatencyHistogram.upperEdge(LatencyHistogram.index(nanos));
			assertThat(edge).as("edge of %d", nanos).isGreaterThan(nanos).isLessThanOrEqualTo((long) (nanos * 1.07) + 64);
		}
	}

	@Test
	void anEmptyHistogramHasNoQuantileAndHugeValuesLandInTheLastBucket() {
		LatencyHistogram histogram = new LatencyHistogram();
		assertThat(histogram.quantile(0.99)).isZero();
		histogram.record(Long.MAX_VALUE);
		histogram.record(-5);
		assertThat(histogram.quantile(1.0)).isGreaterThan(3_600_000_000_000L);
		assertThat(histogram.quantile(0.5)).isLessThanOrEqualTo(64);
	}

}
