package dev.workerclass.readiness.autoconfigure;

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
 * The generated metadata for {@code server.readiness.*}: every property described, with the
 * defaults that apply.
 */
class ReadinessConfigurationMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	@Test
	void everyPropertyIsDescribedWithTheDefaultsInForce() throws IOException {
		Map<String, Map<String, Object>> properties = readinessProperties();
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
		// The processor writes a zero duration as the number 0.
		return DurationStyle.detectAndParse(String.valueOf(properties.get("server.readiness." + name).get("defaultValue")));
	}

	@SuppressWarnings("unchecked")
	private Map<String, Map<String, Object>> readinessProperties() throws IOException {
		Map<String, Map<String, Object>> ours = new TreeMap<>();
		for (URL url : Collections.list(getClass().getClassLoader().getResources(METADATA))) {
			String json;
			try (InputStream in = url.openStream()) {
				json = StreamUtils.copyToString(in, StandardCharsets.UTF_8);
			}
			Map<String, Object> metadata = JsonParserFactory.getJsonParser().parseMap(json);
			for (Map<String, Object> property : (List<Map<String, Object>>) metadata.get("properties")) {
				if (ReadinessProperties.class.getName().equals(property.get("sourceType"))) {
					ours.put((String) property.get("name"), property);
				}
			}
		}
		return ours;
	}

}
