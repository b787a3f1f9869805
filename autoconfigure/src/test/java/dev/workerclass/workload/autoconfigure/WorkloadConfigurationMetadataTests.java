package dev.workerclass.workload.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.util.StreamUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated metadata for {@code server.workload.*}: every property described, and the
 * defaults IDEs show are the ones {@link WorkloadProperties} applies.
 */
class WorkloadConfigurationMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	@Test
	void everyPropertyIsDescribedWithTheDefaultsInForce() throws IOException {
		Map<String, Map<String, Object>> properties = workloadProperties();
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
		return DurationStyle.detectAndParse((String) properties.get("server.workload." + name).get("defaultValue"));
	}

	@SuppressWarnings("unchecked")
	private Map<String, Map<String, Object>> workloadProperties() throws IOException {
		Map<String, Map<String, Object>> ours = new TreeMap<>();
		for (URL url : Collections.list(getClass().getClassLoader().getResources(METADATA))) {
			String json;
			try (InputStream in = url.openStream()) {
				json = StreamUtils.copyToString(in, StandardCharsets.UTF_8);
			}
			Map<String, Object> metadata = JsonParserFactory.getJsonParser().parseMap(json);
			for (Map<String, Object> property : (List<Map<String, Object>>) metadata.get("properties")) {
				if (WorkloadProperties.class.getName().equals(property.get("sourceType"))) {
					ours.put((String) property.get("name"), property);
				}
			}
		}
		return ours;
	}

}
