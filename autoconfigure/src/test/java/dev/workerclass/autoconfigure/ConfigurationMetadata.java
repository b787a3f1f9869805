package dev.workerclass.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.util.StreamUtils;

/** The generated configuration metadata on the test class path, read as IDEs read it. */
public final class ConfigurationMetadata {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private ConfigurationMetadata() {
	}

	/**
	 * The properties that {@code sourceType} binds, by name, from every metadata file on the class
	 * path (Spring Boot's jars carry files of the same name).
	 */
	@SuppressWarnings("unchecked")
	public static Map<String, Map<String, Object>> propertiesOf(Class<?> sourceType) {
		Map<String, Map<String, Object>> ours = new TreeMap<>();
		try {
			for (URL url : Collections.list(ConfigurationMetadata.class.getClassLoader().getResources(METADATA))) {
				String json;
				try (InputStream in = url.openStream()) {
					json = StreamUtils.copyToString(in, StandardCharsets.UTF_8);
				}
				Map<String, Object> metadata = JsonParserFactory.getJsonParser().parseMap(json);
				for (Map<String, Object> property : (List<Map<String, Object>>) metadata.get("properties")) {
					if (sourceType.getName().equals(property.get("sourceType"))) {
						ours.put((String) property.get("name"), property);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return ours;
	}

	/** A property's default as a duration; the processor writes a zero duration as the number 0. */
	public static Duration defaultDuration(Map<String, Object> property) {
		return DurationStyle.detectAndParse(String.valueOf(property.get("defaultValue")));
	}

}
