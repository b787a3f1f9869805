package dev.workerclass.readiness.autoconfigure;

import java.time.Duration;
import java.util.Map;

import dev.workerclass.autoconfigure.ConfigurationMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated metadata for {@code server.readiness.*}: every property described, with the
 * defaults that apply.
 */
class ReadinessConfigurationMetadataTests {

	@Test
	void everyPropertyIsDescribedWithTheDefaultsInForce() {
		Map<String, Map<String, Object>> properties = ConfigurationMetadata.propertiesOf(ReadinessProperties.class);
		assertThat(properties).containsOnlyKeys("server.readiness.enabled", "server.readiness.hold",
				"server.readiness.drain-delay");
		assertThat(properties.values()).allSatisfy((property) -> assertThat((String) property.get("description"))
			.as("description of %s", property.get("name"))
			.isNotBlank());
		assertThat(properties.get("server.readiness.enabled").get("defaultValue")).isEqualTo(true);
		ReadinessProperties defaults = new ReadinessProperties();
		assertThat(duration(properties, "hold")).isEqualTo(defaults.getHold()).isEqualTo(Duration.ofSeconds(5));
		assertThat(duration(properties, "drain-delay")).isEqualTo(defaults.getDrainDelay()).isZero();
		assertThat(properties.get("server.readiness.drain-delay").get("description")).asString()
			.contains("spring.lifecycle.timeout-per-shutdown-phase");
	}

	private static Duration duration(Map<String, Map<String, Object>> properties, String name) {
		return ConfigurationMetadata.defaultDuration(properties.get("server.readiness." + name));
	}

}
