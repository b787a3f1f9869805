package dev.workerclass.autoscale.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.workerclass.autoscale.AutoscaleSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.util.StreamUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated metadata for {@code server.autoscale.*}: every property described, and the
 * defaults IDEs show are the ones {@link AutoscaleSettings} applies.
 */
class AutoscaleConfigurationMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	@Test
	void everyPropertyIsDescribedWithTheDefaultsInForce() throws IOException {
		Map<String, Map<String, Object>> properties = autoscaleProperties();
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
		return DurationStyle.detectAndParse((String) properties.get("server.autoscale." + name).get("defaultValue"));
	}

	@SuppressWarnings("unchecked")
	private Map<String, Map<String, Object>> autoscaleProperties() throws IOException {
		Map<String, Map<String, Object>> ours = new TreeMap<>();
		for (URL url : Collections.list(getClass().getClassLoader().getResources(METADATA))) {
			String json;
			try (InputStream in = url.openStream()) {
				json = StreamUtils.copyToString(in, StandardCharsets.UTF_8);
			}
			Map<String, Object> metadata = JsonParserFactory.getJsonParser().parseMap(json);
			for (Map<String, Object> property : (List<Map<String, Object>>) metadata.get("properties")) {
				if (AutoscaleProperties.class.getName().equals(property.get("sourceType"))) {
					ours.put((String) property.get("name"), property);
				}
			}
		}
		return ours;
	}

}
