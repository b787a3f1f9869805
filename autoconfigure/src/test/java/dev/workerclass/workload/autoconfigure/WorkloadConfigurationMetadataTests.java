package dev.workerclass.workload.autoconfigure;

import java.time.Duration;
import java.util.Map;

import dev.workerclass.autoconfigure.ConfigurationMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated metadata for {@code server.workload.*}: every property described, and the
 * defaults IDEs show are the ones {@link WorkloadProperties} applies.
 */
class WorkloadConfigurationMetadataTests {

	@Test
	void everyPropertyIsDescribedWithTheDefaultsInForce() {
		Map<String, Map<String, Object>> properties = ConfigurationMetadata.propertiesOf(WorkloadProperties.class);
		assertThat(properties).containsOnlyKeys("server.workload.enabled", "server.workload.sample-every",
				"server.workload.sample-interval", "server.workload.min-samples");
		assertThat(properties.values()).allSatisfy((property) -> assertThat((String) property.get("description"))
			.as("description of %s", property.get("name"))
			.isNotBlank());
		assertThat(properties.get("server.workload.enabled").get("defaultValue")).isEqualTo(true);
		assertThat(properties.get("server.workload.sample-every").get("defaultValue"))
			.isEqualTo(WorkloadProperties.DEFAULT_SAMPLE_EVERY);
		assertThat(properties.get("server.workload.min-samples").get("defaultValue"))
			.isEqualTo(WorkloadProperties.DEFAULT_MIN_SAMPLES);
		assertThat(duration(properties, "sample-interval")).isEqualTo(WorkloadProperties.DEFAULT_SAMPLE_INTERVAL);
	}

	private static Duration duration(Map<String, Map<String, Object>> properties, String name) {
		return ConfigurationMetadata.defaultDuration(properties.get("server.workload." + name));
	}

}
