package dev.workerclass.autoscale;

import java.time.Duration;

import dev.workerclass.workers.InvalidWorkerSettingException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Specification of {@link AutoscaleSettings}: a bad value is refused by its property's name. */
class AutoscaleSettingsTests {

	private static final Duration S1 = Duration.ofSeconds(1);

	@Test
	void defaultsAreUwsgisBusynessThresholds() {
		AutoscaleSettings settings = AutoscaleSettings.defaults(1, 16);
		assertThat(settings.interval()).isEqualTo(Duration.ofMillis(100));
		assertThat(settings.growAfter()).isEqualTo(Duration.ofSeconds(3));
		assertThat(settings.shrinkAfter()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.cooldown()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.growAbove()).isEqualTo(0.5);
		assertThat(settings.shrinkBelow()).isEqualTo(0.25);
	}

	@Test
	void minWorkersMustBeAtLeastOneAndAtMostMaxWorkers() {
		assertRefused("server.autoscale.min-workers", () -> AutoscaleSettings.defaults(0, 8));
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> AutoscaleSettings.defaults(9, 8))
			.satisfies((ex) -> assertThat(ex.getExpected()).contains("server.max-workers (8)"));
	}

	@Test
	void sharesMustBeOrdered() {
		assertRefused("server.autoscale.grow-above", () -> shares(0, 0.25));
		assertRefused("server.autoscale.grow-above", () -> shares(1.5, 0.25));
		assertRefused("server.autoscale.shrink-below", () -> shares(0.5, 0.5));
		assertRefused("server.autoscale.shrink-below", () -> shares(0.5, 0));
		assertThat(shares(1, 0.9).growAbove()).isEqualTo(1);
	}

	@Test
	void durationsMustBePositiveAndTheIntervalShorterThanGrowAfter() {
		assertRefused("server.autoscale.interval",
				() -> new AutoscaleSettings(Duration.ZERO, S1, S1, S1, 0.5, 0.25, 1, 8));
		assertRefused("server.autoscale.grow-after",
				() -> new AutoscaleSettings(Duration.ofMillis(10), Duration.ofSeconds(-1), S1, S1, 0.5, 0.25, 1, 8));
		assertRefused("server.autoscale.shrink-after",
				() -> new AutoscaleSettings(Duration.ofMillis(10), S1, Duration.ZERO, S1, 0.5, 0.25, 1, 8));
		assertRefused("server.autoscale.cooldown",
				() -> new AutoscaleSettings(Duration.ofMillis(10), S1, S1, Duration.ZERO, 0.5, 0.25, 1, 8));
		assertRefused("server.autoscale.interval", () -> new AutoscaleSettings(S1, S1, S1, S1, 0.5, 0.25, 1, 8));
	}

	private static AutoscaleSettings shares(double growAbove, double shrinkBelow) {
		return new AutoscaleSettings(Duration.ofMillis(100), S1, S1, S1, growAbove, shrinkBelow, 1, 8);
	}

	private static void assertRefused(String property, Runnable creation) {
		assertThatExceptionOfType(InvalidWorkerSettingException.class).isThrownBy(creation::run)
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo(property))
			.withMessageContaining("expected");
	}

}
