package dev.workerclass.workers;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ControlPlane}: which request paths skip the worker slots.
 */
class ControlPlaneTests {

	private final ControlPlane actuator = new ControlPlane(List.of("/actuator"));

	@ParameterizedTest
	@ValueSource(strings = { "/actuator", "/actuator/", "/actuator/workers", "/actuator/workers/ttin",
			"/actuator/health/liveness" })
	void aPrefixMatchesItselfAndWhatLiesBelowIt(String path) {
		assertThat(this.actuator.matches(path)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuatorx", "/actuator-old/workers", "/actuato", "/", "", "/hello",
			"/api/actuator/workers", "actuator/workers", "/Actuator/workers" })
	void aPrefixDoesNotMatchOtherPaths(String path) {
		assertThat(this.actuator.matches(path)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/", "/actuator//", "actuator", "actuator/", " /actuator " })
	void prefixesAreReadWithOneLeadingSlashAndNoTrailingOne(String prefix) {
		ControlPlane controlPlane = new ControlPlane(List.of(prefix));
		assertThat(controlPlane.prefixes()).containsExactly("/actuator");
		assertThat(controlPlane.matches("/actuator")).isTrue();
		assertThat(controlPlane.matches("/actuator/workers")).isTrue();
		assertThat(controlPlane.matches("/actuatorx")).isFalse();
	}

	@Test
	void aNestedPrefixMatchesBelowItself() {
		ControlPlane controlPlane = new ControlPlane(List.of("/manage/ops/"));
		assertThat(controlPlane.prefixes()).containsExactly("/manage/ops");
		assertThat(controlPlane.matches("/manage/ops/workers")).isTrue();
		assertThat(controlPlane.matches("/manage/ops")).isTrue();
		assertThat(controlPlane.matches("/manage")).isFalse();
		assertThat(controlPlane.matches("/manage/opsx")).isFalse();
	}

	@Test
	void anyOfSeveralPrefixesMatches() {
		ControlPlane controlPlane = new ControlPlane(List.of("/actuator", "/ops"));
		assertThat(controlPlane.matches("/actuator/workers")).isTrue();
		assertThat(controlPlane.matches("/ops/workers")).isTrue();
		assertThat(controlPlane.matches("/opsx")).isFalse();
		assertThat(controlPlane.matches("/app")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/", "//", "  " })
	void anEmptyPrefixIsDroppedRatherThanMatchingEverything(String prefix) {
		ControlPlane controlPlane = new ControlPlane(List.of(prefix));
		assertThat(controlPlane.prefixes()).isEmpty();
		assertThat(controlPlane.matches("/")).isFalse();
		assertThat(controlPlane.matches("/hello")).isFalse();
		assertThat(controlPlane.matches("/actuator/workers")).isFalse();
	}

	@Test
	void noneMatchesNothing() {
		ControlPlane none = ControlPlane.none();
		assertThat(none.prefixes()).isEmpty();
		assertThat(none.matches("/actuator")).isFalse();
		assertThat(none.matches("/actuator/workers")).isFalse();
		assertThat(none.matches("/")).isFalse();
		assertThat(none.matches("")).isFalse();
		assertThat(ControlPlane.none()).isSameAs(none);
	}

	@Test
	void thePrefixesCannotBeChanged() {
		assertThat(this.actuator.prefixes()).isUnmodifiable();
	}

}
