package dev.workerclass.autoscale.autoconfigure;

import java.time.Duration;
import java.util.Map;

import dev.workerclass.autoconfigure.ConfigurationMetadata;
import dev.workerclass.autoscale.AutoscaleSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated metadata for {@code server.autoscale.*}: every property described, and the
 * defaults IDEs show are the ones {@link AutoscaleSettings} applies.
 */
class AutoscaleConfigurationMetadataTests {

	@Test
	void everyPropertyIsDescribedWithTheDefaultsInForce() {
		Map<String, Map<String, Object>> properties = ConfigurationMetadata.propertiesOf(AutoscaleProperties.class);
		assertThat(properties).containsOnlyKeys("server.autoscale.enabled", "server.autoscale.min-workers",
				"server.autoscale.interval", "server.autoscale.grow-after", "server.autoscale.shrink-after",
				"server.autoscale.cooldown", "server.autoscale.grow-above", "server.autoscale.shrink-below");
		assertThat(properties.values()).allSatisfy((property) -> assertThat((String) property.get("description"))
			.as("description of %s", property.get("name"))
			.isNotBlank());
		assertThat(properties.get("server.autoscale.enabled").get("defaultValue")).isEqualTo(false);
		assertThat(properties.get("server.autoscale.min-workers").get("description")).asString()
			.contains("Default: server.workers");
		assertThat(duration(properties, "interval")).isEqualTo(AutoscaleSettings.DEFAULT_INTERVAL);
		assertThat(duration(properties, "grow-after")).isEqualTo(AutoscaleSettings.DEFAULT_GROW_AFTER);
		assertThat(duration(properties, "shrink-after")).isEqualTo(AutoscaleSettings.DEFAULT_SHRINK_AFTER);
		assertThat(duration(properties, "cooldown")).isEqualTo(AutoscaleSettings.DEFAULT_COOLDOWN);
		assertThat(properties.get("server.autoscale.grow-above").get("defaultValue"))
			.isEqualTo(AutoscaleSettings.DEFAULT_GROW_ABOVE);
		assertThat(properties.get("server.autoscale.shrink-below").get("defaultValue"))
			.isEqualTo(AutoscaleSettings.DEFAULT_SHRINK_BELOW);
	}

	private static Duration duration(Map<String, Map<String, Object>> properties, String name) {
		return ConfigurationMetadata.defaultDuration(properties.get("server.autoscale." + name));
	}

}
