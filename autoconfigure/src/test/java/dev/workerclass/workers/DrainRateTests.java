package dev.workerclass.workers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link DrainRate}: completions per second between samples, averaged with the newest
 * sample weighing half, and unknown until something has completed.
 */
class DrainRateTests {

	private static final long SECOND = 1_000_000_000L;

	@Test
	void theRateIsUnknownWhileNothingHasCompleted() {
		DrainRate rate = new DrainRate();
		rate.sample(0, 0);
		rate.sample(SECOND, 0);
		rate.sample(2 * SECOND, 0);
		assertThat(rate.isKnown()).isFalse();
		assertThat(rate.perSecond()).isZero();
	}

	@Test
	void theFirstIntervalAfterSomethingCompletedGivesTheRate() {
		DrainRate rate = new DrainRate();
		rate.sample(0, 0);
		// Starts the first interval: nothing before it counted.
		rate.sample(SECOND, 2);
		assertThat(rate.isKnown()).isFalse();
		rate.sample(2 * SECOND, 5);
		assertThat(rate.isKnown()).isTrue();
		assertThat(rate.perSecond()).isCloseTo(3.0, within(1e-9));
	}

	@Test
	void theRateIsPerSecondWhateverTheInterval() {
		DrainRate rate = new DrainRate();
		rate.sample(SECOND, 1);
		rate.sample(SECOND + SECOND / 2, 2);
		assertThat(rate.perSecond()).isCloseTo(2.0, within(1e-9));
	}

	@Test
	void eachNewSampleWeighsHalf() {
		DrainRate rate = new DrainRate();
		rate.sample(0, 10);
		rate.sample(SECOND, 14);
		assertThat(rate.perSecond()).isCloseTo(4.0, within(1e-9));
		rate.sample(2 * SECOND, 16);
		assertThat(rate.perSecond()).isCloseTo(3.0, within(1e-9));
		rate.sample(3 * SECOND, 16);
		assertThat(rate.perSecond()).isCloseTo(1.5, within(1e-9));
	}

	@Test
	void aSkippedIntervalLeavesTheRateAsItWas() {
		DrainRate rate = new DrainRate();
		rate.sample(0, 1);
		rate.sample(SECOND, 3);
		rate.skip(11 * SECOND, 4);
		assertThat(rate.perSecond()).isCloseTo(2.0, within(1e-9));
		// The next interval starts where the skipped one ended.
		rate.sample(12 * SECOND, 8);
		assertThat(rate.perSecond()).isCloseTo(3.0, within(1e-9));
	}

	@Test
	void aSampleAtTheSameInstantIsIgnored() {
		DrainRate rate = new DrainRate();
		rate.sample(0, 1);
		rate.sample(SECOND, 3);
		rate.sample(SECOND, 9);
		assertThat(rate.perSecond()).isCloseTo(2.0, within(1e-9));
	}

}
